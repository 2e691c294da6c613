// `npm run bench:pii-speed`: analyze() latency of the default pattern recognizers (lib/pii/
// recognizers/index.ts) on realistic prompts — texts from Presidio's synthetic evaluation set
// (../shared/data/pii/presidio_synth_dataset_v2.json) joined to ~1 KB and ~10 KB — plus the
// cost of each recognizer alone. Prints p50 / p99 per prompt and throughput in MB/s.
//
//   npm run bench:pii-speed -- --iterations 2000 --threshold 0.4
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAnalyzer } from "../lib/pii/engine";
import { defaultRecognizers } from "../lib/pii/recognizers";
import type { Recognizer } from "../lib/pii/types";

const { values } = parseArgs({
  options: {
    iterations: { type: "string", default: "1000" },
    threshold: { type: "string", default: "0.4" },
    "per-recognizer": { type: "boolean", default: true },
  },
});
const ITER = Number(values.iterations);
const THRESHOLD = Number(values.threshold);

const here = path.dirname(fileURLToPath(import.meta.url));
const synth = JSON.parse(readFileSync(path.resolve(here, "../../shared/data/pii/presidio_synth_dataset_v2.json"), "utf8")) as { full_text: string }[];

/** Deterministic pseudo-random prompts of about `size` characters from the synth texts. */
function prompts(size: number, count: number): string[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = "";
    while (text.length < size) text += synth[Math.floor(rnd() * synth.length)].full_text + "\n";
    out.push(text.slice(0, size));
  }
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function measure(run: (text: string) => void, texts: string[], iterations: number) {
  for (let i = 0; i < Math.min(200, iterations); i++) run(texts[i % texts.length]); // warm-up (JIT)
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < iterations; i++) {
    const t = texts[i % texts.length];
    const t0 = performance.now();
    run(t);
    times.push(performance.now() - t0);
    bytes += Buffer.byteLength(t);
  }
  const total = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), mbps: bytes / 1e6 / (total / 1000) };
}

const recognizers = defaultRecognizers();
const analyzer = createAnalyzer(recognizers);
const entities = analyzer.supportedEntities;
const fmt = (ms: number) => ms.toFixed(3);

console.log(`# PII pattern engine speed (${recognizers.length} recognizers, ${entities.length} entities, threshold ${THRESHOLD}, Node ${process.version})\n`);
console.log("| prompt | p50 ms | p99 ms | MB/s |");
console.log("|---|---:|---:|---:|");
for (const [label, size, iters] of [["1 KB", 1024, ITER], ["10 KB", 10 * 1024, Math.max(50, Math.round(ITER / 5))]] as const) {
  const texts = prompts(size, 64);
  const r = measure((t) => analyzer.analyze(t, { entities, scoreThreshold: THRESHOLD }), texts, iters);
  console.log(`| ${label} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.mbps.toFixed(1)} |`);
}

if (values["per-recognizer"]) {
  console.log("\n| recognizer (alone, 1 KB) | p50 ms | p99 ms |");
  console.log("|---|---:|---:|");
  const texts = prompts(1024, 64);
  const rows = recognizers.map((rec: Recognizer) => {
    const set = new Set(rec.supportedEntities);
    const r = measure((t) => rec.analyze({ text: t, entities: set }), texts, Math.max(100, Math.round(ITER / 2)));
    return { name: rec.name, ...r };
  });
  rows.sort((a, b) => b.p50 - a.p50);
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p99)} |`);
}
