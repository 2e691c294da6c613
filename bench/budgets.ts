// `npm run bench:budgets`: what budget enforcement and rate limits add to a request. One gateway,
// two virtual keys in one run: one without any budget or limit, one whose request passes a rate
// limit (rpm + tpm on the key) and reserves on two budgets (key and team) before the call, then
// settles both after it. Both keys bypass the cache; limits are set far above the load.
//
//   npm run bench:budgets -- --requests 3000 --concurrency 16 [--redis-url redis://127.0.0.1:6379] [--database-url postgres://…]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startHelix } from "../e2e/support/helix-server";
import { adminRequest } from "../e2e/support/admin";
import { ensureBuild } from "../scripts/lib/ensure-build";
import { spawnFakeUpstream } from "../test/fake-upstream/spawn";
import { fmt, loadClient, measure, type Result } from "./lib/load";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    warmup: { type: "string", default: "1000" },
    "database-url": { type: "string" },
    "redis-url": { type: "string" },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
const MASTER = "sk-bench-master";

function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: "gpt-4o-mini",
    stream,
    max_tokens: 256,
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Summarise the benefits of an LLM gateway in one sentence, please." },
    ],
  });
}

async function main() {
  ensureBuild();
  const fake = await spawnFakeUpstream(["--no-record"]);
  const helix = await startHelix({
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: "sk-fake",
    MASTER_KEY: MASTER,
    HELIX_DATA_DIR: mkdtempSync(path.join(tmpdir(), "helix-bench-budgets-")),
    HELIX_LOG_FLUSH_MS: "500",
    DATABASE_URL: values["database-url"],
    REDIS_URL: values["redis-url"],
  });
  const dispatcher = loadClient(CONCURRENCY);
  try {
    const admin = (method: string, p: string, body?: unknown) => adminRequest(helix.url, MASTER, method, p, body);
    const team = `bench-${Date.now()}`;
    const plain = (await admin("POST", "/helix/keys", { name: "bench-plain" })).json.key as string;
    const limited = (await admin("POST", "/helix/keys", { name: "bench-limited", team, max_budget_usd: 1_000_000, budget_period: "daily", rpm: 100_000_000, tpm: 100_000_000 }))
      .json.key as string;
    const teamId = ((await admin("GET", "/helix/teams")).json.data as Array<{ id: string; name: string }>).find((t) => t.name === team)!.id;
    await admin("PUT", `/helix/budgets/team/${teamId}`, { max_budget_usd: 1_000_000, period: "monthly" });

    const url = `${helix.baseURL}/chat/completions`;
    const run = (key: string, body: string, n: number) =>
      measure(dispatcher, url, body, n, { concurrency: CONCURRENCY, headers: { authorization: `Bearer ${key}`, "x-helix-cache": "bypass" } });
    const rows: Array<{ mode: string; plain: Result; limited: Result }> = [];
    for (const stream of [false, true]) {
      const body = chatBody(stream);
      await run(plain, body, WARMUP);
      await run(limited, body, WARMUP);
      // Interleaved halves (A B B A) so drift on a shared machine hits both alike.
      const half = Math.floor(REQUESTS / 2);
      const a1 = await run(plain, body, half);
      const b1 = await run(limited, body, half);
      const b2 = await run(limited, body, half);
      const a2 = await run(plain, body, half);
      const avg = (x: Result, y: Result): Result => ({ p50: (x.p50 + y.p50) / 2, p99: (x.p99 + y.p99) / 2, rps: (x.rps + y.rps) / 2 });
      rows.push({ mode: stream ? "stream" : "non-stream", plain: avg(a1, a2), limited: avg(b1, b2) });
    }
    const store = values["redis-url"] ? "Redis" : "in-process counters";
    console.log(`\nBudget and rate-limit checks — ${REQUESTS} requests per key, concurrency ${CONCURRENCY}, ${store}, ${values["database-url"] ? "PostgreSQL" : "embedded PGlite"}\n`);
    console.log("| mode | no limits p50 ms | limits p50 ms | added p50 ms | no limits p99 ms | limits p99 ms | added p99 ms | no limits req/s | limits req/s | ratio req/s |");
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.mode} | ${fmt(r.plain.p50)} | ${fmt(r.limited.p50)} | ${fmt(r.limited.p50 - r.plain.p50)} | ${fmt(r.plain.p99)} | ${fmt(r.limited.p99)} | ${fmt(r.limited.p99 - r.plain.p99)} | ${r.plain.rps.toFixed(0)} | ${r.limited.rps.toFixed(0)} | ${(r.limited.rps / r.plain.rps).toFixed(2)} |`,
      );
    }
    const spend = await admin("GET", `/helix/budgets/team/${teamId}`);
    console.log(`\nTeam spend recorded during the run: $${spend.json.spend_usd} (${spend.json.spend_micros} micro-USD)`);
  } finally {
    await helix.stop();
    fake.child.kill("SIGTERM");
    await dispatcher.close();
  }
}

await main();
