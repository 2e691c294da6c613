// `npm run bench:overhead`: the latency Helix adds over calling the upstream directly.
// One run measures both paths with the same client, concurrency and fake upstream (in its own
// process), and reports ratios — absolute numbers on a shared 2-core machine mean little.
//
//   npm run bench:overhead -- --requests 2000 --concurrency 16
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fmt, loadClient, measure as measureLoad, type LoadOptions, type Result } from "./lib/load";
import { startHelix, type HelixServer } from "../e2e/support/helix-server";
import { ensureBuild } from "../scripts/lib/ensure-build";
import { spawnFakeUpstream } from "../test/fake-upstream/spawn";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    warmup: { type: "string", default: "1000" },
    // Production mode: request logs go to this PostgreSQL instead of the embedded PGlite.
    "database-url": { type: "string" },
    "redis-url": { type: "string" },
    // A helix.yaml for the gateway under test (e.g. to pick a vector store).
    config: { type: "string" },
    // A second gateway with this config, measured in the same run (e.g. PII off vs on).
    "compare-config": { type: "string" },
    // Measure cache misses (every prompt unique: exact lookup, prompt embedding, vector search and
    // the writes after the answer) instead of pass-through (x-helix-cache: bypass).
    cache: { type: "boolean", default: false },
  },
});
const CACHE = values.cache;
let nonce = 0;
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);

const dispatcher = loadClient(CONCURRENCY);
const load: LoadOptions = {
  concurrency: CONCURRENCY,
  headers: CACHE ? {} : { "x-helix-cache": "bypass" },
  body: CACHE ? (b: string) => b.replace("__NONCE__", String(nonce++)) : undefined,
};
const measure = (url: string, body: string, n: number): Promise<Result> => measureLoad(dispatcher, url, body, n, load);

function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: "gpt-4o-mini",
    stream,
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Summarise the benefits of an LLM gateway in one sentence, please. (__NONCE__)" },
    ],
  });
}

async function main() {
  ensureBuild();
  const fake = await spawnFakeUpstream(["--no-record"]);
  const dir = mkdtempSync(path.join(tmpdir(), "helix-bench-"));
  let helix: HelixServer | undefined;
  let other: HelixServer | undefined;
  const start = (config: string | undefined, dataDir: string) =>
    startHelix({
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: "sk-fake",
      HELIX_DATA_DIR: dataDir,
      HELIX_LOG_FLUSH_MS: "500",
      DATABASE_URL: values["database-url"],
      REDIS_URL: values["redis-url"],
      HELIX_CONFIG: config,
    });
  try {
    helix = await start(values.config, dir);
    const compare = values["compare-config"];
    if (compare) other = await start(compare, mkdtempSync(path.join(tmpdir(), "helix-bench-b-")));
    const rows: Array<{ mode: string; direct: Result; helix: Result; other?: Result }> = [];
    for (const stream of [false, true]) {
      const body = chatBody(stream);
      const direct = `${fake.url}/v1/chat/completions`;
      const viaHelix = `${helix.baseURL}/chat/completions`;
      const viaOther = other ? `${other.baseURL}/chat/completions` : undefined;
      await measure(direct, body, WARMUP);
      await measure(viaHelix, body, WARMUP);
      if (viaOther) await measure(viaOther, body, WARMUP);
      rows.push({
        mode: stream ? "stream" : "non-stream",
        direct: await measure(direct, body, REQUESTS),
        helix: await measure(viaHelix, body, REQUESTS),
        ...(viaOther ? { other: await measure(viaOther, body, REQUESTS) } : {}),
      });
    }
    const mode = `${values["database-url"] ? "PostgreSQL" : "embedded PGlite"}, ${CACHE ? "cache misses (unique prompts)" : "cache bypassed"}`;
    console.log(`\nHelix overhead — ${REQUESTS} requests per path, concurrency ${CONCURRENCY}, ${mode}, fake upstream on loopback\n`);
    console.log("| mode | direct p50 ms | helix p50 ms | added p50 ms | direct p99 ms | helix p99 ms | added p99 ms | direct req/s | helix req/s | helix/direct req/s |");
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.mode} | ${fmt(r.direct.p50)} | ${fmt(r.helix.p50)} | ${fmt(r.helix.p50 - r.direct.p50)} | ${fmt(r.direct.p99)} | ${fmt(r.helix.p99)} | ${fmt(r.helix.p99 - r.direct.p99)} | ${r.direct.rps.toFixed(0)} | ${r.helix.rps.toFixed(0)} | ${(r.helix.rps / r.direct.rps).toFixed(2)} |`,
      );
    }
    if (other) {
      console.log(`\nSame run, config ${values.config ?? "(default)"} vs ${values["compare-config"]}:\n`);
      console.log("| mode | A p50 ms | B p50 ms | B−A p50 ms | A p99 ms | B p99 ms | A req/s | B req/s | B/A req/s |");
      console.log("|---|---|---|---|---|---|---|---|---|");
      for (const r of rows) {
        const b = r.other!;
        console.log(
          `| ${r.mode} | ${fmt(r.helix.p50)} | ${fmt(b.p50)} | ${fmt(b.p50 - r.helix.p50)} | ${fmt(r.helix.p99)} | ${fmt(b.p99)} | ${r.helix.rps.toFixed(0)} | ${b.rps.toFixed(0)} | ${(b.rps / r.helix.rps).toFixed(2)} |`,
        );
      }
    }
    const out = path.resolve(import.meta.dirname, "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, `overhead-${Date.now()}.json`), JSON.stringify({ requests: REQUESTS, concurrency: CONCURRENCY, rows }, null, 2));
  } finally {
    await other?.stop();
    await helix?.stop();
    fake.child.kill("SIGTERM");
    await dispatcher.close();
  }
}

await main();
