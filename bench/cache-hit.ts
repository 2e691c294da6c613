// `npm run bench:cache`: how much faster a cache hit is than a miss. The fake upstream answers after
// `--latency` ms (default 500, a realistic LLM); Helix runs embedded (in-process answers, pgvector
// on PGlite, the bundled USE-lite encoder). For GPTCache's paraphrase pairs: ask the original
// (a miss), repeat it (an exact hit), then ask the paraphrase (a semantic hit, if the cache takes
// it). Reports p50/p99 of each and the ratios to the miss, from one run.
//
//   npm run bench:cache -- --pairs 40 --latency 500
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { startHelix, type HelixServer } from "../e2e/support/helix-server";
import { ensureBuild } from "../scripts/lib/ensure-build";
import { spawnFakeUpstream } from "../test/fake-upstream/spawn";

const { values } = parseArgs({
  options: {
    pairs: { type: "string", default: "40" },
    latency: { type: "string", default: "500" },
  },
});
const PAIRS = Number(values.pairs);
const LATENCY = Number(values.latency);
const ROOT = path.resolve(import.meta.dirname, "..");

const dispatcher = new Agent({ connections: 4 });

async function ask(helix: HelixServer, content: string): Promise<{ ms: number; cache: string }> {
  const t0 = performance.now();
  const res = await request(`${helix.baseURL}/chat/completions`, {
    method: "POST",
    dispatcher,
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench-cache" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  return { ms: performance.now() - t0, cache: String(res.headers["x-helix-cache"]) };
}

function q(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main() {
  ensureBuild();
  const pairs = (JSON.parse(readFileSync(path.join(ROOT, "../shared/data/semantic/gptcache_mock_data.json"), "utf8")) as Array<{ origin: string; similar: string }>).slice(0, PAIRS);
  const fake = await spawnFakeUpstream(["--latency", String(LATENCY), "--no-record"]);
  let helix: HelixServer | undefined;
  try {
    helix = await startHelix({ OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: "sk-fake", HELIX_EMBEDDINGS_OFFLINE: "true" });
    for (let i = 0; i < 60; i++) {
      const r = (await (await fetch(`${helix.url}/health/readiness`)).json()) as { checks: { embedder: { ready: boolean; active: string } } };
      if (r.checks.embedder.ready) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    const miss: number[] = [];
    const exact: number[] = [];
    const semantic: number[] = [];
    let semanticServed = 0;
    for (const p of pairs) {
      const m = await ask(helix, p.origin);
      if (m.cache === "MISS") miss.push(m.ms);
      // The answer and its vector are written after the response: repeat until the exact hit shows.
      let e = await ask(helix, p.origin);
      for (let tries = 0; e.cache !== "HIT" && tries < 20; tries++) e = await ask(helix, p.origin);
      exact.push(e.ms);
      const s = await ask(helix, p.similar);
      if (s.cache === "SEMANTIC_HIT") {
        semanticServed++;
        semantic.push(s.ms);
      }
    }
    for (const a of [miss, exact, semantic]) a.sort((x, y) => x - y);
    const row = (name: string, a: number[]) =>
      `| ${name} | ${a.length} | ${q(a, 0.5).toFixed(1)} | ${q(a, 0.99).toFixed(1)} | ${(q(miss, 0.5) / q(a, 0.5)).toFixed(1)}× |`;
    console.log(`\nCache hit speed — ${pairs.length} GPTCache pairs, fake upstream latency ${LATENCY} ms, embedded mode (use-lite, pgvector on PGlite)\n`);
    console.log("| request | n | p50 ms | p99 ms | miss p50 / this p50 |");
    console.log("|---|---|---|---|---|");
    console.log(row("miss (upstream)", miss));
    console.log(row("exact hit", exact));
    console.log(row("semantic hit", semantic));
    console.log(`\nParaphrases served from the cache: ${semanticServed}/${pairs.length}`);
  } finally {
    await helix?.stop();
    fake.child.kill("SIGTERM");
    await dispatcher.close();
  }
}

await main();
