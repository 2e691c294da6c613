// Budgets, rate limits, alerts and model swaps through the real gateway: two instances on one
// PostgreSQL and one Redis, driven by the official OpenAI SDK. A budget holds under 100
// concurrent requests spread over both instances; a team budget stops a key whose own budget is
// larger; an rpm limit answers 429 with retry-after; alerts reach a webhook once per threshold; a
// swap rule serves a cheaper model and records what it saved.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-budgets-e2e";
let fake: FakeUpstream;
let db: TestDatabase;
let a: HelixServer;
let b: HelixServer;
let hook: Server;
let hookUrl: string;
const alerts: Array<Record<string, unknown>> = [];

const admin = (method: string, path: string, body?: unknown) => adminRequest(a.url, MASTER, method, path, body);
const sdk = (server: HelixServer, apiKey: string) => new OpenAI({ baseURL: server.baseURL, apiKey, maxRetries: 0 });

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const r = await admin("POST", "/helix/keys", { name: `k-${Math.random().toString(36).slice(2, 8)}`, ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; key: string };
}

/** Sum of the recorded cost of a key's requests, once every row is written. */
async function spentBy(keyId: string, expectedRows: number): Promise<{ total: number; max: number }> {
  let out = { total: 0, max: 0 };
  await expect
    .poll(async () => {
      const rows = await db.query<{ n: string; total: string | null; max: string | null }>(
        "SELECT count(*)::text AS n, sum(cost_micros)::text AS total, max(cost_micros)::text AS max FROM request_logs WHERE api_key_id = $1",
        [keyId],
      );
      out = { total: Number(rows[0].total ?? 0), max: Number(rows[0].max ?? 0) };
      return Number(rows[0].n);
    }, { timeout: 20_000 })
    .toBe(expectedRows);
  return out;
}

test.beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      alerts.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/alerts`;
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  const config = writeConfig(fake);
  const text = readFileSync(config, "utf8").replace(
    "helix_settings:\n",
    `helix_settings:
  cost_optimization:
    alert_webhooks: [{url: "${hookUrl}", format: json}]
    rules:
      - rule_name: short-on-mini
        conditions: {model: gpt-4o, max_tokens: "<= 100"}
        action: {model: gpt-4o-mini, reason: short answers do not need gpt-4o}
`,
  );
  writeFileSync(config, text);
  const env = { ...upstreamEnv(fake), HELIX_CONFIG: config, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, MASTER_KEY: MASTER, HELIX_EMBEDDINGS_OFFLINE: "true" };
  [a, b] = await Promise.all([startHelix(env), startHelix(env)]);
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.close();
  await db?.drop();
  await new Promise((r) => hook?.close(r));
});

test("a $0.01 daily key budget hit by 100 concurrent requests on two instances overshoots by at most one request", async () => {
  const { id, key } = await createKey({ max_budget_usd: 0.01, budget_period: "daily" });
  const clients = [sdk(a, key), sdk(b, key)];
  // ~0.6 ms of output each (1,000 words at $0.60/M) and a reservation of max_tokens that covers it.
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      clients[i % 2].chat.completions
        .create({ model: "gpt-4o-mini", max_tokens: 1_100, messages: [{ role: "user", content: `budget run ${id} ${i} [[words:1000]]` }] })
        .then(() => 200)
        .catch((err: { status?: number; error?: { type?: string; message?: string } }) => {
          expect(err.error?.type).toBe("budget_exceeded");
          expect(err.error?.message).toContain(`key '${id}'`);
          return err.status ?? 0;
        }),
    ),
  );
  const ok = results.filter((s) => s === 200).length;
  expect(results.filter((s) => s === 429).length).toBe(100 - ok);
  expect(ok).toBeGreaterThan(0);
  expect(ok).toBeLessThan(100);
  const { total, max } = await spentBy(id, 100);
  console.log(`budget $0.01, 100 concurrent requests: ${ok} answered, ${100 - ok} refused; spent ${total} micro-USD (limit 10000, largest request ${max})`);
  // The bound the design promises: the limit plus one request's cost, across both instances.
  expect(total).toBeLessThanOrEqual(10_000 + max);
  expect(total).toBeGreaterThan(10_000 - max);

  const status = await admin("GET", `/helix/budgets/key/${id}`);
  expect(status.json).toMatchObject({ scope: "key", max_budget_usd: 0.01, period: "daily", spend_micros: total });
  expect(Date.parse(status.json.reset_at)).toBeGreaterThan(Date.now());
  const spend = await admin("GET", `/helix/spend?group_by=key&key=${id}&period=1d`);
  expect(spend.status).toBe(200);
  expect(spend.json.groups).toEqual([expect.objectContaining({ value: id, cost_micros: total, requests: 100 })]);
});

test("a team budget stops a key of the team even when the key's own budget is larger", async () => {
  const team = `team-${Date.now()}`;
  const { id, key } = await createKey({ team, max_budget_usd: 100 });
  const teams = await admin("GET", "/helix/teams");
  const teamId = (teams.json.data as Array<{ id: string; name: string }>).find((t) => t.name === team)!.id;
  const put = await admin("PUT", `/helix/budgets/team/${teamId}`, { max_budget_usd: 0.002, period: "monthly" });
  expect(put.status).toBe(201);
  // On the instance that took the edit: others see it within their 5 s refresh (integration-tested).
  const client = sdk(a, key);
  let refused: { status?: number; error?: { type?: string; message?: string }; headers?: Headers } | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    await client.chat.completions
      .create({ model: "gpt-4o-mini", max_tokens: 600, messages: [{ role: "user", content: `team run ${i} [[words:500]]` }] })
      .catch((err) => (refused = err));
  }
  expect(refused?.status).toBe(429);
  expect(refused?.error?.type).toBe("budget_exceeded");
  expect(refused?.error?.message).toMatch(new RegExp(`team '${teamId}'.*\\$0\\.002`));
  expect(Number(refused?.headers?.get("retry-after"))).toBeGreaterThan(0);
  const own = await admin("GET", `/helix/budgets/key/${id}`);
  expect(own.json.used_pct).toBeLessThan(1);
});

test("an rpm limit answers 429 with retry-after, on either instance", async () => {
  const { key } = await createKey({ rpm: 3 });
  const ask = (server: HelixServer, i: number) =>
    sdk(server, key).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `rpm ${Date.now()} ${i}` }] });
  type Refusal = { status: number; error: { code: string; message: string }; headers: Headers };
  // The key was made on A, which counts its requests at once; B learns the new key's limit within
  // its 5 s refresh of the limits, and until then lets it through without counting.
  for (let i = 0; i < 3; i++) await ask(a, i);
  expect(((await ask(a, 3).catch((e) => e)) as Refusal).status).toBe(429);
  let err: Refusal | undefined;
  await expect
    .poll(async () => {
      err = (await ask(b, 4).catch((e) => e)) as Refusal;
      return err.status;
    }, { timeout: 15_000, intervals: [500] })
    .toBe(429);
  if (!err) throw new Error("unreachable");
  expect(err.error.code).toBe("rate_limit_exceeded");
  expect(err.error.message).toContain("3 requests per minute");
  const retryAfter = Number(err.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
});

test("budget alerts reach the webhook once per threshold, and are listed with their delivery", async () => {
  const { id, key } = await createKey({ max_budget_usd: 0.003, budget_period: "daily" });
  const client = sdk(a, key);
  for (let i = 0; i < 40; i++) {
    const ok = await client.chat.completions
      .create({ model: "gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: `alert run ${i} [[words:250]]` }] })
      .then(() => true)
      .catch(() => false);
    if (!ok) break;
  }
  const mine = () => alerts.filter((x) => x.scope_id === id);
  await expect.poll(() => mine().map((x) => x.threshold).sort(), { timeout: 15_000 }).toEqual([100, 50, 80]);
  expect(mine()[0]).toMatchObject({ event: "budget.threshold_crossed", scope: "key", limit_usd: 0.003 });
  // The receiver has the alert before Helix has its answer and records the delivery: poll.
  await expect
    .poll(async () => ((await admin("GET", `/helix/alerts?scope=key&scope_id=${id}`)).json.data as Array<{ delivery_status: string }>).map((x) => x.delivery_status), { timeout: 10_000 })
    .toEqual(["delivered", "delivered", "delivered"]);
});

test("a swap rule serves the cheaper model, says so, and records the saving against the requested model", async () => {
  const { key } = await createKey({});
  const client = sdk(a, key);
  const { data, response } = await client.chat.completions
    .create({ model: "gpt-4o", max_tokens: 50, messages: [{ role: "user", content: `swap me ${Date.now()} [[words:40]]` }] })
    .withResponse();
  expect(response.headers.get("x-helix-model")).toBe("gpt-4o-mini");
  expect(response.headers.get("x-helix-swap")).toBe("short-on-mini");
  const id = response.headers.get("x-helix-request-id")!;
  let row: { served_model: string; swap_rule: string; swap_reason: string; cost_micros: string; swap_savings_micros: string } | undefined;
  await expect
    .poll(async () => {
      [row] = await db.query<NonNullable<typeof row>>(
        "SELECT served_model, swap_rule, swap_reason, cost_micros::text, swap_savings_micros::text FROM request_logs WHERE id = $1",
        [id],
      );
      return row !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  const { prompt_tokens: p, completion_tokens: c } = data.usage!;
  const mini = Math.ceil(p * 0.15 + c * 0.6 - 1e-9);
  const big = Math.ceil(p * 2.5 + c * 10 - 1e-9);
  expect(row).toMatchObject({ served_model: "gpt-4o-mini", swap_rule: "short-on-mini", swap_reason: "short answers do not need gpt-4o" });
  expect(Number(row!.cost_micros)).toBe(mini);
  expect(Number(row!.swap_savings_micros)).toBe(big - mini);
  // A long answer is not swapped.
  const long = await client.chat.completions
    .create({ model: "gpt-4o", max_tokens: 500, messages: [{ role: "user", content: `no swap ${Date.now()}` }] })
    .withResponse();
  expect(long.response.headers.get("x-helix-model")).toBe("gpt-4o");
});
