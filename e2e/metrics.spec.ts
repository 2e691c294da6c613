// GET /metrics after known traffic: every helix_* family is exposed with the values the traffic
// implies — request counts by status and cache status, tokens equal to the usage the SDK saw, cost
// equal to the x-helix-cost-usd headers (plus the stream's, from its usage), cache lookups, a PII
// detection, a rate-limit and a budget refusal, upstream errors and retries of an upstream 500, an
// embeddings call; gateway overhead equal to request time minus upstream time. GET /helix/metrics:
// 401 without credentials, this instance's totals with the master key. Then the in-flight gauge
// while a slow stream is open, and a model swap's saving.
import { readFileSync, writeFileSync } from "node:fs";
import { test, expect } from "@playwright/test";
import OpenAI, { APIError } from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { adminRequest } from "./support/admin";

const MASTER = "sk-master-metrics-e2e";
const GPT_4O_MINI = { input: 0.15, output: 0.6 };
const micros = (input: number, output: number) => Math.ceil(input * GPT_4O_MINI.input + output * GPT_4O_MINI.output - 1e-9);

let fake: FakeUpstream;
let helix: HelixServer;
let master: OpenAI;

/** Every request sent, as the client saw it. */
interface Sent {
  endpoint: "chat" | "embeddings";
  status: number;
  cache: string;
  stream: boolean;
  costUsd: number;
  savedUsd: number;
  input: number;
  output: number;
  /** Wall time as the client measured it (an upper bound of Helix's own); chat() requests only. */
  clientSeconds?: number;
}
const sent: Sent[] = [];

// Letters only: digits could look like phone or card numbers to the PII scan.
const tag = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

function note(endpoint: Sent["endpoint"], status: number, headers: Headers, usage?: { prompt_tokens: number; completion_tokens?: number }, stream = false): Sent {
  const cost = headers.get("x-helix-cost-usd");
  const s: Sent = {
    endpoint,
    status,
    cache: headers.get("x-helix-cache") ?? "NONE",
    stream,
    costUsd: cost && cost !== "unknown" ? Number(cost) : 0,
    savedUsd: Number(headers.get("x-helix-saved-usd") ?? 0),
    input: usage?.prompt_tokens ?? 0,
    output: usage?.completion_tokens ?? 0,
  };
  sent.push(s);
  return s;
}

async function chat(client: OpenAI, content: string, extra: { max_tokens?: number } = {}): Promise<Sent> {
  const started = performance.now();
  const timed = (s: Sent) => Object.assign(s, { clientSeconds: (performance.now() - started) / 1000 });
  try {
    const { data, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }], ...extra }).withResponse();
    return timed(note("chat", response.status, response.headers, data.usage));
  } catch (err) {
    if (!(err instanceof APIError) || err.status === undefined) throw err;
    return timed(note("chat", err.status, err.headers as Headers));
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition's samples (comments skipped; label values hold no escaped quotes here). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const r = await fetch(`${helix.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toContain("text/plain");
  return parseExposition(await r.text());
}

const total = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
/** Scrapes until `helix_requests_total` reaches `n` (accounting runs after each response) and returns that scrape. */
async function scrapeWhenCounted(n: number): Promise<Sample[]> {
  let m: Sample[] = [];
  await expect
    .poll(async () => {
      m = await scrape();
      return total(m, "helix_requests_total");
    }, { timeout: 15_000 })
    .toBe(n);
  return m;
}
const has = (samples: Sample[], name: string) => samples.some((s) => s.name === name);
const count = (pred: (s: Sent) => boolean) => sent.filter(pred).length;

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const r = await adminRequest(helix.url, MASTER, "POST", "/helix/keys", { name: `metrics-${tag()}`, ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; key: string };
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  const config = writeConfig(fake);
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace(
      "helix_settings:\n",
      // Only e-mail addresses are looked for, so that exactly one detection is expected. A high
      // threshold keeps unrelated prompts from answering each other semantically.
      // The swap rule only matches gpt-4o, which only the swap test asks for.
      "helix_settings:\n  pii_protection: {entities: [EMAIL_ADDRESS], action: redact}\n  semantic_cache: {similarity_threshold: 0.99}\n" +
        '  cost_optimization:\n    rules:\n      - {rule_name: short-on-mini, conditions: {model: gpt-4o, max_tokens: "<= 100"}, action: {model: gpt-4o-mini, reason: short}}\n',
    ),
  );
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: config, MASTER_KEY: MASTER, HELIX_EMBEDDINGS_OFFLINE: "true" });
  master = new OpenAI({ baseURL: helix.baseURL, apiKey: MASTER, maxRetries: 0 });
  // The semantic lookup (and so the embedder's timing) runs only once the embedder is ready.
  await expect
    .poll(async () => ((await (await fetch(`${helix.url}/health/readiness`)).json()) as { checks: { embedder: { ready: boolean } } }).checks.embedder.ready, {
      timeout: 60_000,
    })
    .toBe(true);
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

test("/metrics exposes every family with the values of the traffic sent, and /helix/metrics the same totals", async () => {
  test.setTimeout(120_000);
  // Whole answers; the first one again until the exact cache answers it (stored after the response).
  const repeated = `metrics alpha ${tag()} [[words:20]]`;
  expect((await chat(master, repeated)).status).toBe(200);
  await expect.poll(async () => (await chat(master, repeated)).cache, { timeout: 15_000 }).toBe("HIT");
  expect((await chat(master, `metrics beta ${tag()} [[words:12]]`)).status).toBe(200);

  // A stream with usage: its cost is not in a header, so it is computed from its usage.
  const { data: stream, response: streamResponse } = await master.chat.completions
    .create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: `metrics stream ${tag()} [[words:25]]` }] })
    .withResponse();
  let streamUsage: { prompt_tokens: number; completion_tokens: number } | undefined;
  for await (const chunk of stream) if (chunk.usage) streamUsage = chunk.usage;
  expect(streamUsage).toBeDefined();
  const streamed = note("chat", streamResponse.status, streamResponse.headers, streamUsage, true);
  streamed.costUsd = micros(streamUsage!.prompt_tokens, streamUsage!.completion_tokens) / 1e6;

  // The upstream fails every attempt: 1 try + 2 retries (num_retries: 2), then 502.
  expect((await chat(master, `metrics failing ${tag()} [[status:500]]`)).status).toBe(502);

  // One e-mail address: one detection, redacted.
  expect((await chat(master, `metrics write to jane.doe@example.com about ${tag()}`)).status).toBe(200);

  // rpm 1: the second request of the minute is refused.
  const limited = new OpenAI({ baseURL: helix.baseURL, apiKey: (await createKey({ rpm: 1 })).key, maxRetries: 0 });
  expect((await chat(limited, `metrics rpm one ${tag()}`)).status).toBe(200);
  expect((await chat(limited, `metrics rpm two ${tag()}`)).status).toBe(429);

  // A budget of $0.00001 is spent by the first answer; the next request is refused.
  const budgetKey = await createKey({ max_budget_usd: 0.00001, budget_period: "daily" });
  const budgeted = new OpenAI({ baseURL: helix.baseURL, apiKey: budgetKey.key, maxRetries: 0 });
  const spent = await chat(budgeted, `metrics budget ${tag()} [[words:60]]`);
  expect(spent.status).toBe(200);
  await expect.poll(async () => total(await scrape(), "helix_budget_utilization_ratio", { scope: "key", scope_id: budgetKey.id }), { timeout: 15_000 }).toBeGreaterThan(0);
  const refused = await chat(budgeted, `metrics budget again ${tag()}`);
  expect(refused.status).toBe(429);

  // Embeddings.
  const { data: emb, response: embResponse } = await master.embeddings.create({ model: "text-embedding-3-small", input: `metrics embed ${tag()}` }).withResponse();
  note("embeddings", embResponse.status, embResponse.headers, emb.usage);

  // Accounting runs after each response: wait until every request is counted.
  const m = await scrapeWhenCounted(sent.length);

  // Requests by endpoint, status and cache status, exactly.
  const groups = new Map<string, number>();
  for (const s of sent) groups.set(`${s.endpoint} ${s.status} ${s.cache}`, (groups.get(`${s.endpoint} ${s.status} ${s.cache}`) ?? 0) + 1);
  for (const [key, n] of groups) {
    const [endpoint, status, cache] = key.split(" ");
    expect(total(m, "helix_requests_total", { endpoint, status, cache }), key).toBe(n);
  }
  expect(total(m, "helix_requests_total", { endpoint: "chat", model: "gpt-4o-mini", provider: "openai", status: "200" })).toBe(count((s) => s.endpoint === "chat" && s.status === 200));
  expect(total(m, "helix_requests_total", { endpoint: "embeddings", model: "text-embedding-3-small", provider: "openai", status: "200" })).toBe(1);
  expect(total(m, "helix_requests_total", { status: "429", cache: "NONE" })).toBe(2);

  // Durations: one observation per request, all positive.
  expect(total(m, "helix_request_duration_seconds_count")).toBe(sent.length);
  expect(total(m, "helix_request_duration_seconds_sum")).toBeGreaterThan(0);
  expect(total(m, "helix_request_duration_seconds_count", { stream: "true" })).toBe(1);
  // Upstream time and overhead for every answer a provider served (not the cache hits, not the refusals).
  const isServed = (s: Sent) => s.status === 200 && s.cache !== "HIT" && s.cache !== "SEMANTIC_HIT";
  const served = count(isServed);
  expect(total(m, "helix_upstream_duration_seconds_count")).toBe(served);
  expect(total(m, "helix_upstream_duration_seconds_sum")).toBeGreaterThan(0);
  expect(total(m, "helix_gateway_overhead_seconds_count")).toBe(served);
  expect(total(m, "helix_gateway_overhead_seconds_sum")).toBeGreaterThan(0);
  // Each served request's overhead is its duration minus its upstream time, so
  //   total _sum − upstream _sum − overhead _sum = the durations of the requests no provider served
  // (cache hit, refusals, the 502): at least 0 and at most what the client measured for them.
  const notServed = sent.filter((s) => !isServed(s));
  expect(notServed.every((s) => s.clientSeconds !== undefined)).toBe(true);
  const unservedSeconds = total(m, "helix_request_duration_seconds_sum") - total(m, "helix_upstream_duration_seconds_sum") - total(m, "helix_gateway_overhead_seconds_sum");
  expect(unservedSeconds).toBeGreaterThanOrEqual(-1e-6);
  expect(unservedSeconds).toBeLessThanOrEqual(notServed.reduce((a, s) => a + s.clientSeconds!, 0) + 1e-6);
  expect(total(m, "helix_time_to_first_token_seconds_count", { provider: "openai", model: "gpt-4o-mini" })).toBe(1);
  expect(total(m, "helix_time_to_first_token_seconds_sum")).toBeGreaterThan(0);

  // Tokens: what the SDK saw; cost: the headers plus the stream's; savings: the hit's header.
  expect(total(m, "helix_tokens_total", { type: "input" })).toBe(sent.reduce((a, s) => a + s.input, 0));
  expect(total(m, "helix_tokens_total", { type: "output" })).toBe(sent.reduce((a, s) => a + s.output, 0));
  expect(total(m, "helix_tokens_total", { type: "input" })).toBeGreaterThan(0);
  const expectedCost = sent.reduce((a, s) => a + s.costUsd, 0);
  expect(expectedCost).toBeGreaterThan(0);
  expect(total(m, "helix_cost_usd_total")).toBeCloseTo(expectedCost, 6);
  expect(total(m, "helix_savings_usd_total", { kind: "cache" })).toBeCloseTo(sent.reduce((a, s) => a + s.savedUsd, 0), 6);
  expect(total(m, "helix_savings_usd_total", { kind: "cache" })).toBeGreaterThan(0);

  // Cache lookups: every chat request that reached the caches looked up the exact cache once.
  const hits = count((s) => s.cache === "HIT");
  const semanticHits = count((s) => s.cache === "SEMANTIC_HIT");
  const misses = count((s) => s.endpoint === "chat" && s.cache === "MISS");
  expect(hits).toBe(1);
  expect(total(m, "helix_cache_lookups_total", { type: "exact", result: "hit" })).toBe(hits);
  expect(total(m, "helix_cache_lookups_total", { type: "exact", result: "miss" })).toBe(misses + semanticHits);
  expect(total(m, "helix_cache_lookups_total", { type: "semantic", result: "hit" })).toBe(semanticHits);
  // A semantic lookup needs the prompt embedded within its deadline: at most one per exact miss.
  const semanticLookups = total(m, "helix_cache_lookups_total", { type: "semantic" });
  expect(semanticLookups).toBeGreaterThanOrEqual(1);
  expect(semanticLookups).toBeLessThanOrEqual(misses + semanticHits);
  expect(total(m, "helix_embedding_duration_seconds_count")).toBeGreaterThanOrEqual(semanticLookups);
  expect(total(m, "helix_embedding_duration_seconds_sum")).toBeGreaterThan(0);

  // PII, refusals, budget utilisation.
  expect(total(m, "helix_pii_detections_total")).toBe(1);
  expect(total(m, "helix_pii_detections_total", { entity: "EMAIL_ADDRESS", action: "redact" })).toBe(1);
  expect(total(m, "helix_rate_limit_rejections_total", { scope: "key" })).toBe(1);
  expect(total(m, "helix_rate_limit_rejections_total")).toBe(1);
  expect(total(m, "helix_budget_rejections_total", { scope: "key" })).toBe(1);
  expect(total(m, "helix_budget_rejections_total")).toBe(1);
  expect(total(m, "helix_budget_utilization_ratio", { scope: "key", scope_id: budgetKey.id })).toBeCloseTo(spent.costUsd / 0.00001, 3);

  // The upstream 500: three failed attempts, two of them retries.
  expect(total(m, "helix_upstream_errors_total", { provider: "openai", model: "gpt-4o-mini", kind: "5xx" })).toBe(3);
  expect(total(m, "helix_upstream_errors_total")).toBe(3);
  expect(total(m, "helix_upstream_retries_total", { provider: "openai", model: "gpt-4o-mini" })).toBe(2);

  // Nothing in flight any more; process metrics under the helix_ prefix.
  expect(total(m, "helix_requests_in_flight")).toBe(0);
  for (const name of ["helix_process_cpu_seconds_total", "helix_process_resident_memory_bytes", "helix_nodejs_eventloop_lag_seconds"]) expect(has(m, name), name).toBe(true);
  // No label carries a key, a prompt or the e-mail address.
  const text = await (await fetch(`${helix.url}/metrics`)).text();
  for (const secret of [MASTER, budgetKey.key, "jane.doe", "metrics alpha"]) expect(text).not.toContain(secret);

  // /helix/metrics: admin only, this instance's totals and the dashboard's figures.
  expect((await fetch(`${helix.url}/helix/metrics`)).status).toBe(401);
  expect((await fetch(`${helix.url}/helix/metrics`, { headers: { authorization: "Bearer sk-not-the-master" } })).status).toBe(401);
  let body: { range: string; overview: { requests: number; spend_usd: number }; instance: Record<string, unknown> } | undefined;
  await expect
    .poll(async () => {
      const r = await fetch(`${helix.url}/helix/metrics?range=24h`, { headers: { authorization: `Bearer ${MASTER}` } });
      expect(r.status).toBe(200);
      body = (await r.json()) as typeof body;
      return body!.overview.requests;
    }, { timeout: 20_000 })
    .toBe(sent.length);
  expect(body!.range).toBe("24h");
  expect(body!.overview.spend_usd).toBeCloseTo(expectedCost, 6);
  expect(body!.instance).toMatchObject({
    in_flight: 0,
    requests: sent.length,
    errors: count((s) => s.status >= 400),
    cache_hits: hits + semanticHits,
    input_tokens: sent.reduce((a, s) => a + s.input, 0),
    output_tokens: sent.reduce((a, s) => a + s.output, 0),
    upstream_errors: 3,
    upstream_retries: 2,
    budget_rejections: 1,
    rate_limit_rejections: 1,
  });
  expect(body!.instance.cost_usd as number).toBeCloseTo(expectedCost, 6);
  expect((body!.instance.requests_by_status as Record<string, number>)["429"]).toBe(2);
});

test("helix_requests_in_flight counts a stream while it is open, and drops back to 0 after its last chunk", async () => {
  const before = total(await scrape(), "helix_requests_in_flight");
  expect(before).toBe(0);
  // 30 chunks 100 ms apart: about 3 s open (each gap well under stream_idle_ms).
  const stream = await master.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    messages: [{ role: "user", content: `metrics slow stream ${tag()} [[words:30]] [[chunk-delay:100]]` }],
  });
  const chunks = stream[Symbol.asyncIterator]();
  expect((await chunks.next()).done).toBe(false);
  // Open: the first chunk arrived, the rest has not.
  expect(total(await scrape(), "helix_requests_in_flight")).toBeGreaterThanOrEqual(1);
  const instance = await fetch(`${helix.url}/helix/metrics`, { headers: { authorization: `Bearer ${MASTER}` } });
  expect(((await instance.json()) as { instance: { in_flight: number } }).instance.in_flight).toBeGreaterThanOrEqual(1);
  let rest = 0;
  while (!(await chunks.next()).done) rest++;
  expect(rest).toBeGreaterThan(5);
  // Finished after the last byte (the accounting runs then): polled.
  await expect.poll(async () => total(await scrape(), "helix_requests_in_flight"), { timeout: 10_000 }).toBe(0);
});

test("a model swap's saving is counted as helix_savings_usd_total{kind=\"swap\"}", async () => {
  const before = await scrape();
  const swapBefore = total(before, "helix_savings_usd_total", { kind: "swap" });
  const requestsBefore = total(before, "helix_requests_total");
  const { data, response } = await master.chat.completions
    .create({ model: "gpt-4o", max_tokens: 50, messages: [{ role: "user", content: `metrics swap ${tag()} [[words:40]]` }] })
    .withResponse();
  expect(response.headers.get("x-helix-swap")).toBe("short-on-mini");
  expect(response.headers.get("x-helix-model")).toBe("gpt-4o-mini");
  const m = await scrapeWhenCounted(requestsBefore + 1);
  // The saving is priced against the requested model: gpt-4o (2.5 / 10 per Mtok) minus gpt-4o-mini.
  const { prompt_tokens: p, completion_tokens: c } = data.usage!;
  const savedMicros = Math.ceil(p * 2.5 + c * 10 - 1e-9) - micros(p, c);
  expect(savedMicros).toBeGreaterThan(0);
  expect(total(m, "helix_savings_usd_total", { kind: "swap" }) - swapBefore).toBeCloseTo(savedMicros / 1e6, 9);
  // Served (and so labelled) as the swapped-to model.
  expect(total(m, "helix_requests_total", { model: "gpt-4o", status: "200" })).toBe(0);
});
