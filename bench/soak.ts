// `npm run soak`: many concurrent streaming clients against Helix for a long while — zero errors,
// bounded server memory, and one request_logs row per request. Exits 1 when a criterion fails.
//
//   npm run soak -- --clients 1000 --minutes 10 [--database-url postgres://… --redis-url redis://…]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureBuild } from "../scripts/lib/ensure-build";
import { SOAK_DEFAULTS, formatSoak, runSoak } from "./lib/soak";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "1000" },
    minutes: { type: "string", default: "10" },
    "ramp-seconds": { type: "string", default: String(SOAK_DEFAULTS.rampMs / 1000) },
    "warmup-seconds": { type: "string", default: String(SOAK_DEFAULTS.warmupMs / 1000) },
    "sample-seconds": { type: "string", default: String(SOAK_DEFAULTS.sampleMs / 1000) },
    "database-url": { type: "string" },
    "redis-url": { type: "string" },
    "cache-mb": { type: "string", default: String(SOAK_DEFAULTS.cacheMemoryMb) },
    "repeat-share": { type: "string", default: String(SOAK_DEFAULTS.repeatShare) },
    "max-rss-growth": { type: "string", default: String(SOAK_DEFAULTS.maxRssGrowth) },
  },
});

function num(name: keyof typeof values, min: number): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number >= ${min}`);
    process.exit(2);
  }
  return n;
}

ensureBuild();
const options = {
  clients: Math.floor(num("clients", 1)),
  durationMs: num("minutes", 0.05) * 60_000,
  warmupMs: num("warmup-seconds", 0) * 1000,
  rampMs: num("ramp-seconds", 0) * 1000,
  sampleMs: num("sample-seconds", 1) * 1000,
  databaseUrl: values["database-url"],
  redisUrl: values["redis-url"],
  cacheMemoryMb: num("cache-mb", 1),
  repeatShare: num("repeat-share", 0),
  maxRssGrowth: num("max-rss-growth", 0),
  log: (line: string) => console.log(line),
};
const result = await runSoak(options);
console.log(`\n${formatSoak(result, options.maxRssGrowth)}`);
const out = path.resolve(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, `soak-${Date.now()}.json`), JSON.stringify(result, null, 2));
process.exit(result.verdict.passed ? 0 : 1);
