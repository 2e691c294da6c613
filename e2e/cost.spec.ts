// Every path records a correct, non-zero cost: a whole answer (and its x-helix-cost-usd header), a
// stream (usage fetched from the upstream even when the client did not ask), a stream the client
// aborts (billed for what was produced, marked estimated), embeddings, and a cache hit (cost 0,
// the avoided cost as savings). An unpriced model is recorded as "unknown", never as $0.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";

// Published prices (USD per million tokens) the shipped catalog must agree with.
const GPT_4O_MINI = { input: 0.15, output: 0.6 };
const EMBEDDING_3_SMALL = 0.02;
const micros = (input: number, output: number, p: { input: number; output: number }) => Math.ceil(input * p.input + output * p.output - 1e-9);

let fake: FakeUpstream;
let db: TestDatabase;
let helix: HelixServer;
let client: OpenAI;

interface LogRow {
  id: string;
  status: number;
  stream: boolean;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_micros: string | null;
  cost_status: string | null;
  price_source: string | null;
  cache_status: string | null;
  cache_savings_micros: string | null;
}

async function logRow(id: string): Promise<LogRow> {
  let row: LogRow | undefined;
  await expect
    .poll(async () => {
      [row] = await db.query<LogRow & Record<string, unknown>>(
        `SELECT id, status, stream, input_tokens, output_tokens, cost_micros::text, cost_status, price_source, cache_status, cache_savings_micros::text
           FROM request_logs WHERE id = $1`,
        [id],
      );
      return row !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  return row!;
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: db.url, HELIX_EMBEDDINGS_OFFLINE: "true" });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-cost-e2e", maxRetries: 0 });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
  await db?.drop();
});

test("a whole answer is priced from the provider's usage, with x-helix-cost-usd", async () => {
  const { data, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `price this answer ${Date.now()} [[words:40]]` }] })
    .withResponse();
  const id = response.headers.get("x-helix-request-id")!;
  const expected = micros(data.usage!.prompt_tokens, data.usage!.completion_tokens, GPT_4O_MINI);
  expect(expected).toBeGreaterThan(0);
  expect(Number(response.headers.get("x-helix-cost-usd"))).toBeCloseTo(expected / 1e6, 9);
  const row = await logRow(id);
  expect(row).toMatchObject({ cost_status: "priced", price_source: "catalog", input_tokens: data.usage!.prompt_tokens, output_tokens: 40 });
  expect(Number(row.cost_micros)).toBe(expected);
});

test("a stream records its cost even when the client did not ask for usage", async () => {
  const stream = await client.chat.completions
    .create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `stream me ${Date.now()} [[words:30]]` }] })
    .withResponse();
  const id = stream.response.headers.get("x-helix-request-id")!;
  let text = "";
  let sawUsage = false;
  for await (const chunk of stream.data) {
    text += chunk.choices[0]?.delta.content ?? "";
    if (chunk.usage) sawUsage = true;
  }
  expect(sawUsage).toBe(false); // not asked, not sent …
  expect(text.split(/\s+/).filter(Boolean)).toHaveLength(30);
  const row = await logRow(id);
  // … but priced from the upstream's usage all the same.
  expect(row).toMatchObject({ stream: true, status: 200, cost_status: "priced", output_tokens: 30 });
  expect(Number(row.cost_micros)).toBe(micros(row.input_tokens!, 30, GPT_4O_MINI));
});

test("an aborted stream is billed for what was produced (estimated), not $0", async () => {
  const abort = new AbortController();
  const stream = await client.chat.completions
    .create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `a long story ${Date.now()} [[words:400]] [[chunk-delay:20]]` }] },
      { signal: abort.signal },
    )
    .withResponse();
  const id = stream.response.headers.get("x-helix-request-id")!;
  let chunks = 0;
  try {
    for await (const chunk of stream.data) {
      if (chunk.choices[0]?.delta.content) chunks++;
      if (chunks === 20) abort.abort();
    }
  } catch {
    /* the abort surfaces as an error in the SDK */
  }
  const row = await logRow(id);
  expect(row.status).toBe(499);
  expect(row.cost_status).toBe("estimated");
  // Produced at least what the client read, and far from the whole 400-word answer.
  expect(row.output_tokens!).toBeGreaterThanOrEqual(20);
  expect(row.output_tokens!).toBeLessThan(400);
  expect(row.input_tokens!).toBeGreaterThan(0);
  expect(Number(row.cost_micros)).toBe(micros(row.input_tokens!, row.output_tokens!, GPT_4O_MINI));
});

test("embeddings are priced", async () => {
  const input = Array.from({ length: 2_000 }, (_, i) => `word${i}`).join(" ");
  const { data, response } = await client.embeddings.create({ model: "text-embedding-3-small", input: `${Date.now()} ${input}` }).withResponse();
  const id = response.headers.get("x-helix-request-id")!;
  const expected = Math.ceil(data.usage.prompt_tokens * EMBEDDING_3_SMALL - 1e-9);
  expect(expected).toBeGreaterThan(0);
  const row = await logRow(id);
  expect(row).toMatchObject({ cost_status: "priced", input_tokens: data.usage.prompt_tokens, output_tokens: 0 });
  expect(Number(row.cost_micros)).toBe(expected);
  expect(Number(response.headers.get("x-helix-cost-usd"))).toBeCloseTo(expected / 1e6, 9);
});

test("a cache hit costs nothing and records the cost it avoided", async () => {
  const messages = [{ role: "user" as const, content: `cache me ${Date.now()} [[words:25]]` }];
  const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
  const cost = Number(first.response.headers.get("x-helix-cost-usd"));
  expect(cost).toBeGreaterThan(0);
  const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
  expect(second.response.headers.get("x-helix-cache")).toBe("HIT");
  expect(second.response.headers.get("x-helix-cost-usd")).toBe("0");
  expect(Number(second.response.headers.get("x-helix-saved-usd"))).toBeCloseTo(cost, 9);
  const row = await logRow(second.response.headers.get("x-helix-request-id")!);
  expect(row).toMatchObject({ cache_status: "HIT", cost_micros: "0", cost_status: "none" });
  expect(Number(row.cache_savings_micros) / 1e6).toBeCloseTo(cost, 9);
});

test("an unpriced model is flagged unknown, never recorded as $0", async () => {
  const { response } = await client.chat.completions
    .create({ model: "local-llama", messages: [{ role: "user", content: `who prices me ${Date.now()}` }] })
    .withResponse();
  expect(response.headers.get("x-helix-cost-usd")).toBe("unknown");
  const row = await logRow(response.headers.get("x-helix-request-id")!);
  expect(row).toMatchObject({ cost_status: "unknown", cost_micros: null });
  expect(helix.output()).toContain("no price for openai-compatible/llama3.1:8b");
  // … and flagged in the figures the dashboard reads.
  await expect
    .poll(async () => {
      const r = await fetch(`${helix.url}/helix/stats`, { headers: { authorization: "Bearer sk-local-cost-e2e" } });
      return ((await r.json()) as { cost: { unknown_price_models: Array<{ model: string }> } }).cost.unknown_price_models.map((m) => m.model);
    }, { timeout: 15_000 })
    .toContain("local-llama");
});

test("a price set through the admin API prices the next request; GET /helix/prices says where each price comes from", async () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${helix.url}${path}`, {
      method,
      headers: { authorization: "Bearer sk-local-cost-e2e", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const bad = await admin("POST", "/helix/prices", { model: "llama3.1:8b", input_per_mtok: -1, output_per_mtok: 1 });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error.param).toBe("input_per_mtok");

  const added = await admin("POST", "/helix/prices", { model: "llama3.1:8b", provider: "openai-compatible", input_per_mtok: 1, output_per_mtok: 2 });
  expect(added.status).toBe(201);
  const { data, response } = await client.chat.completions
    .create({ model: "local-llama", messages: [{ role: "user", content: `priced now ${Date.now()} [[words:10]]` }] })
    .withResponse();
  const expected = data.usage!.prompt_tokens * 1 + data.usage!.completion_tokens * 2;
  expect(Number(response.headers.get("x-helix-cost-usd"))).toBeCloseTo(expected / 1e6, 9);
  const row = await logRow(response.headers.get("x-helix-request-id")!);
  expect(row).toMatchObject({ cost_status: "priced", price_source: "database", cost_micros: String(expected) });

  const quote = await (await admin("GET", "/helix/prices?model=gpt-4o-mini")).json();
  expect(quote.effective).toEqual([{ provider: "openai", model: "gpt-4o-mini", source: "catalog", price: expect.objectContaining({ input_per_mtok: 0.15, output_per_mtok: 0.6 }) }]);
});
