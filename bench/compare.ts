// `npm run bench:compare`: Helix beside the Portkey AI gateway (@portkey-ai/gateway, the open-source
// Node build), both in front of the same fake upstream on loopback, driven by the same client at the
// same concurrency levels, non-stream and stream. One run measures, per level and mode:
//   direct        the fake upstream itself (the baseline every "added" figure is taken over)
//   portkey       Portkey, OpenAI provider pointed at the fake upstream (x-portkey-custom-host)
//   helix-pass    Helix pass-through: a registered key (auth), request log and rollups; PII, caches
//                 and budgets off
//   helix-full    Helix full pipeline: auth, PII on the default entities, exact-cache lookup (a miss:
//                 every prompt is unique) and the answer stored, a global and a key budget reserved
//                 and settled, request log
// Every request carries a unique prompt (all targets alike), so no cache anywhere answers.
//
//   npm run bench:compare -- [--levels 1,16,64,256] [--requests 2000] [--warmup 300]
//                            [--database-url postgresql://…] [--redis-url redis://…]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { fmt, loadClient, measure, type Result } from "./lib/load";
import { startHelix, type HelixServer } from "../e2e/support/helix-server";
import { ensureBuild } from "../scripts/lib/ensure-build";
import { spawnFakeUpstream } from "../test/fake-upstream/spawn";

const { values } = parseArgs({
  options: {
    levels: { type: "string", default: "1,16,64,256" },
    requests: { type: "string", default: "2000" },
    warmup: { type: "string", default: "300" },
    modes: { type: "string", default: "non-stream,stream" },
    targets: { type: "string", default: "direct,portkey,helix-pass,helix-full" },
    "database-url": { type: "string" },
    "redis-url": { type: "string" },
  },
});
const LEVELS = values.levels.split(",").map(Number);
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const MODES = values.modes.split(",") as Array<"non-stream" | "stream">;
const TARGETS = values.targets.split(",");
const MASTER_KEY = "sk-helix-bench-master";

const PASS_CONFIG = `
helix_settings:
  cache: {enabled: false}
  semantic_cache: {enabled: false}
  pii_protection: {enabled: false}
  cost_optimization: {enabled: false}
`;
const FULL_CONFIG = `
helix_settings:
  cache: {enabled: true}
  semantic_cache: {enabled: false}
  pii_protection: {enabled: true}
  cost_optimization:
    enabled: true
    global_budget: {max_budget_usd: 1000000, period: monthly}
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startPortkey(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve("@portkey-ai/gateway/build/start-server.js");
  const child = spawn(process.execPath, [bin, `--port=${port}`, "--headless"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`portkey exited (${child.exitCode})`);
    try {
      await fetch(url);
      return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("portkey did not start");
}

let nonce = 0;
function body(stream: boolean): string {
  // The same shape as bench:overhead; "__NONCE__" makes every prompt unique (no cache answers).
  return JSON.stringify({
    model: "gpt-4o-mini",
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Summarise the benefits of an LLM gateway in one sentence, please. (__NONCE__)" },
    ],
  });
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** A registered key (auth is a real lookup); with a key budget for the full pipeline. */
async function createKey(helix: HelixServer, budget: boolean): Promise<string> {
  const res = await fetch(`${helix.url}/helix/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `bench-${Date.now()}`, team: "bench", ...(budget ? { max_budget_usd: 1_000_000 } : {}) }),
  });
  if (res.status !== 201) throw new Error(`key create: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

async function main() {
  ensureBuild();
  const fake = await spawnFakeUpstream(["--no-record"]);
  const dir = mkdtempSync(path.join(tmpdir(), "helix-compare-"));
  const servers: HelixServer[] = [];
  let portkey: { url: string; child: ChildProcess } | undefined;
  const maxLevel = Math.max(...LEVELS);
  const dispatcher = loadClient(maxLevel);
  try {
    const targets: Target[] = [];
    if (TARGETS.includes("direct")) targets.push({ name: "direct", url: `${fake.url}/v1/chat/completions`, headers: {} });
    if (TARGETS.includes("portkey")) {
      portkey = await startPortkey();
      targets.push({ name: "portkey", url: `${portkey.url}/v1/chat/completions`, headers: { "x-portkey-provider": "openai", "x-portkey-custom-host": `${fake.url}/v1`, authorization: "Bearer sk-fake" } });
    }
    for (const [name, config] of [
      ["helix-pass", PASS_CONFIG],
      ["helix-full", FULL_CONFIG],
    ] as const) {
      if (!TARGETS.includes(name)) continue;
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, config);
      const helix = await startHelix({
        OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: "sk-fake",
        MASTER_KEY,
        // The product's default (the e2e harness shortens it to 50 ms for its assertions).
        HELIX_LOG_FLUSH_MS: "500",
        HELIX_DATA_DIR: mkdtempSync(path.join(dir, `${name}-`)),
        HELIX_CONFIG: file,
        DATABASE_URL: values["database-url"],
        REDIS_URL: values["redis-url"],
      });
      servers.push(helix);
      targets.push({ name, url: `${helix.baseURL}/chat/completions`, headers: { authorization: `Bearer ${await createKey(helix, name === "helix-full")}` } });
    }

    const rows: Array<{ level: number; mode: string; results: Record<string, Result> }> = [];
    for (const level of LEVELS) {
      for (const mode of MODES) {
        const b = body(mode === "stream");
        const results: Record<string, Result> = {};
        for (const t of targets) {
          const opts = { concurrency: level, headers: t.headers, body: (s: string) => s.replace("__NONCE__", `${t.name}-${nonce++}`) };
          await measure(dispatcher, t.url, b, Math.min(WARMUP, REQUESTS), opts);
          results[t.name] = await measure(dispatcher, t.url, b, REQUESTS, opts);
          process.stderr.write(`  c=${level} ${mode} ${t.name}: p50 ${fmt(results[t.name].p50)} ms, p99 ${fmt(results[t.name].p99)} ms, ${results[t.name].rps.toFixed(0)} req/s\n`);
        }
        rows.push({ level, mode, results });
      }
    }
    report(rows);
    const out = path.resolve(import.meta.dirname, "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, `compare-${Date.now()}.json`), JSON.stringify({ requests: REQUESTS, levels: LEVELS, rows }, null, 2));
  } finally {
    for (const s of servers) await s.stop();
    portkey?.child.kill("SIGTERM");
    fake.child.kill("SIGTERM");
    await dispatcher.close();
  }
}

function report(rows: Array<{ level: number; mode: string; results: Record<string, Result> }>): void {
  const store = values["database-url"] ? "PostgreSQL" : "embedded PGlite";
  console.log(`\nSide by side — ${REQUESTS} requests per target and level, unique prompts, fake upstream on loopback, Helix on ${store}${values["redis-url"] ? " + Redis" : ""}\n`);
  console.log("| c | mode | target | p50 ms | p99 ms | added p50 ms | added p99 ms | req/s | req/s vs direct |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const d = r.results.direct;
    for (const [name, x] of Object.entries(r.results)) {
      const added = (v: number, base: number | undefined) => (base === undefined || name === "direct" ? "" : fmt(v - base));
      console.log(`| ${r.level} | ${r.mode} | ${name} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${added(x.p50, d?.p50)} | ${added(x.p99, d?.p99)} | ${x.rps.toFixed(0)} | ${d ? (x.rps / d.rps).toFixed(2) : ""} |`);
    }
  }
  if (!rows[0]?.results.portkey || !rows[0]?.results.direct) return;
  console.log("\nRatios to Portkey (same level and mode; overhead = p50/p99 added over direct; < 1 means Helix adds less; throughput > 1 means Helix serves more)\n");
  console.log("| c | mode | pass p50 overhead | pass p99 overhead | pass req/s | full p50 overhead | full p99 overhead | full req/s | targets |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const { direct: d, portkey: p } = r.results;
    const over = (x: Result | undefined, k: "p50" | "p99") => (x ? (x[k] - d[k]) / Math.max(0.001, p[k] - d[k]) : NaN);
    const pass = r.results["helix-pass"];
    const full = r.results["helix-full"];
    const ok = [
      pass ? over(pass, "p50") <= 1 && pass.rps >= p.rps : true,
      full ? over(full, "p50") <= 1.5 : true,
    ];
    console.log(
      `| ${r.level} | ${r.mode} | ${over(pass, "p50").toFixed(2)} | ${over(pass, "p99").toFixed(2)} | ${pass ? (pass.rps / p.rps).toFixed(2) : ""} | ${over(full, "p50").toFixed(2)} | ${over(full, "p99").toFixed(2)} | ${full ? (full.rps / p.rps).toFixed(2) : ""} | ${ok.every(Boolean) ? "met" : "NOT met"} |`,
    );
  }
}

await main();
