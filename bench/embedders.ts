// `npm run bench:embedders`: load time, latency and throughput of every embedder usable here.
// Each local model runs in the embed worker exactly as in the server; the OpenAI-compatible
// embedder runs against the in-process fake upstream (so it measures Helix's HTTP path, not a
// real model). Prints a markdown table.
//
//   npm run bench:embedders -- --singles 200 --batches 40
//   HELIX_MODEL_DIR=/models npm run bench:embedders     # includes all-MiniLM-L6-v2 if its weights are there
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// The embedder modules say `import "server-only"`, which only resolves under the react-server
// condition (as inside Next). Re-run this file under it once, then do the work in the child.
if (!process.execArgv.some((a) => a.includes("react-server"))) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", self, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({
  options: {
    singles: { type: "string", default: "100" },
    batches: { type: "string", default: "30" },
    "batch-size": { type: "string", default: "16" },
  },
});
const SINGLES = Number(values.singles);
const BATCHES = Number(values.batches);
const BATCH = Number(values["batch-size"]);

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root); // the worker script is found from the project root, as under `next start`

/** Real prompts: the GPTCache paraphrase set when present, else generated sentences. */
function corpus(): string[] {
  const file = path.resolve(root, "../shared/data/semantic/gptcache_mock_data.json");
  if (existsSync(file)) {
    const pairs = JSON.parse(readFileSync(file, "utf8")) as Array<{ origin: string; similar: string }>;
    return pairs.flatMap((p) => [p.origin, p.similar]);
  }
  return Array.from({ length: 2000 }, (_, i) => `Question ${i}: how do I configure feature ${i % 97} of the product for team ${i % 13}?`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  name: string;
  dims: number;
  loadMs: number;
  singleP50: number;
  singleP99: number;
  batchP50: number;
  batchP99: number;
  textsPerSecSingle: number;
  textsPerSecBatch: number;
  textsPerSecConcurrent: number;
}

interface Bench {
  embed(texts: string[]): Promise<Float32Array[]>;
  dimensions: number;
}

async function measure(name: string, load: () => Promise<Bench>, texts: string[]): Promise<Row> {
  const t0 = performance.now();
  const e = await load();
  const loadMs = performance.now() - t0;
  let k = 0;
  const next = () => texts[k++ % texts.length];
  for (let i = 0; i < 5; i++) await e.embed([next()]); // warm-up (JIT, wasm, first allocations)

  const singles: number[] = [];
  const s0 = performance.now();
  for (let i = 0; i < SINGLES; i++) {
    const t = performance.now();
    await e.embed([next()]);
    singles.push(performance.now() - t);
  }
  const singleSec = (performance.now() - s0) / 1000;

  const batches: number[] = [];
  const b0 = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const batch = Array.from({ length: BATCH }, next);
    const t = performance.now();
    await e.embed(batch);
    batches.push(performance.now() - t);
  }
  const batchSec = (performance.now() - b0) / 1000;

  // Many requests at once, one text each: what the server sees under load (the pool batches them).
  const c0 = performance.now();
  const concurrentTexts = BATCH * BATCHES;
  await Promise.all(Array.from({ length: concurrentTexts }, () => e.embed([next()])));
  const concurrentSec = (performance.now() - c0) / 1000;

  singles.sort((a, b) => a - b);
  batches.sort((a, b) => a - b);
  return {
    name,
    dims: e.dimensions,
    loadMs,
    singleP50: pct(singles, 50),
    singleP99: pct(singles, 99),
    batchP50: pct(batches, 50),
    batchP99: pct(batches, 99),
    textsPerSecSingle: SINGLES / singleSec,
    textsPerSecBatch: (BATCHES * BATCH) / batchSec,
    textsPerSecConcurrent: concurrentTexts / concurrentSec,
  };
}

async function main(): Promise<void> {
  const { EmbedWorkerPool } = await import("../lib/cache/embedders/worker-pool");
  const { createUseLiteEmbedder } = await import("../lib/cache/embedders/use-lite");
  const { createMiniLMEmbedder } = await import("../lib/cache/embedders/minilm");
  const { OpenAICompatibleEmbedder } = await import("../lib/cache/embedders/openai-compatible");
  const { startFakeUpstream } = await import("../test/fake-upstream/server");
  const { closeUpstreamPool } = await import("../lib/providers/http");

  const texts = corpus();
  const rows: Row[] = [];
  const skipped: string[] = [];

  {
    // A fresh pool, so load time includes starting the worker and initialising tfjs/wasm.
    const pool = new EmbedWorkerPool();
    const e = createUseLiteEmbedder({ pool });
    rows.push(await measure("use-lite (USE lite, tfjs wasm, worker)", async () => (await e.load(), e), texts));
    await pool.close();
  }
  {
    const pool = new EmbedWorkerPool();
    const e = createMiniLMEmbedder({ pool, allowRemote: false });
    try {
      rows.push(await measure("all-MiniLM-L6-v2 (onnxruntime, worker)", async () => (await e.load(), e), texts));
    } catch (err) {
      skipped.push(`all-MiniLM-L6-v2: ${err instanceof Error ? err.message : String(err)}`);
    }
    await pool.close();
  }
  {
    const fake = await startFakeUpstream({ record: false });
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, apiKey: "sk-bench", model: "text-embedding-3-small" });
    rows.push(await measure("openai-compatible (fake upstream, HTTP path only)", async () => (await e.embed(["warm"]), e), texts));
    await e.close();
    await closeUpstreamPool();
    await fake.close();
  }

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`\nEmbedders on this machine (${SINGLES} single calls, ${BATCHES} batches of ${BATCH}, ${BATCH * BATCHES} concurrent single calls)\n`);
  console.log("| embedder | dims | load ms | single p50 ms | single p99 ms | batch-16 p50 ms | batch-16 p99 ms | texts/s single | texts/s batch-16 | texts/s concurrent |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.dims} | ${f(r.loadMs, 0)} | ${f(r.singleP50)} | ${f(r.singleP99)} | ${f(r.batchP50)} | ${f(r.batchP99)} | ${f(r.textsPerSecSingle, 0)} | ${f(r.textsPerSecBatch, 0)} | ${f(r.textsPerSecConcurrent, 0)} |`,
    );
  }
  if (skipped.length) console.log(`\nNot available here:\n${skipped.map((s) => `- ${s}`).join("\n")}`);
}

await main();
