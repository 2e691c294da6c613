// The exact cache in embedded mode (in-process store), through the official OpenAI SDK.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";

let fake: FakeUpstream;
let helix: HelixServer;
let client: OpenAI;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake) });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-cache", maxRetries: 0 });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

const upstreamCalls = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions") || r.path.endsWith("/messages")).length;

async function ask(content: string, opts: { system?: string; headers?: Record<string, string>; model?: string } = {}) {
  const messages: OpenAI.ChatCompletionMessageParam[] = opts.system ? [{ role: "system", content: opts.system }] : [];
  messages.push({ role: "user", content });
  const { data, response } = await client.chat.completions
    .create({ model: opts.model ?? "gpt-4o-mini", messages }, { headers: opts.headers })
    .withResponse();
  return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache"), data };
}

test("a repeated request is a HIT and never reaches the upstream", async () => {
  const before = upstreamCalls();
  const first = await ask("cache me please");
  expect(first.cache).toBe("MISS");
  const second = await ask("cache me please");
  expect(second.cache).toBe("HIT");
  expect(second.text).toBe(first.text);
  expect(second.data.id).not.toBe(first.data.id);
  expect(second.data.usage).toEqual(first.data.usage);
  expect(upstreamCalls() - before).toBe(1);
});

test("a different system prompt or model is a MISS", async () => {
  await ask("same words", { system: "You are a pirate." });
  expect((await ask("same words", { system: "You are a pirate." })).cache).toBe("HIT");
  expect((await ask("same words", { system: "You are a poet." })).cache).toBe("MISS");
  expect((await ask("same words", { system: "You are a pirate.", model: "claude-3-5-haiku-latest" })).cache).toBe("MISS");
});

test("a stream miss is cached and served to a stream and to a plain request, well-formed", async () => {
  const prompt = "stream then cache";
  const miss = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: prompt }] });
  let missText = "";
  for await (const c of miss) missText += c.choices[0]?.delta.content ?? "";
  expect(missText).toBe(`Echo: ${prompt}`);
  const before = upstreamCalls();

  const { data: hitStream, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: prompt }] })
    .withResponse();
  expect(response.headers.get("x-helix-cache")).toBe("HIT");
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  let hitText = "";
  let usage: OpenAI.CompletionUsage | undefined;
  let finish: string | null | undefined;
  for await (const c of hitStream) {
    hitText += c.choices[0]?.delta.content ?? "";
    finish = c.choices[0]?.finish_reason ?? finish;
    if (c.usage) usage = c.usage;
  }
  expect(hitText).toBe(missText);
  expect(finish).toBe("stop");
  expect(usage?.completion_tokens).toBeGreaterThan(0);

  const plain = await ask(prompt);
  expect(plain.cache).toBe("HIT");
  expect(plain.text).toBe(missText);
  expect(upstreamCalls()).toBe(before);
});

test("tool calls are cached and replayed, streamed too", async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { query: { type: "string" } } } } }];
  const first = await client.chat.completions.create({ model: "gpt-4o-mini", tools, messages: [{ role: "user", content: "find tool cache" }] });
  const runner = client.chat.completions.stream({ model: "gpt-4o-mini", tools, messages: [{ role: "user", content: "find tool cache" }] });
  const replayed = await runner.finalChatCompletion();
  // The replay came from the cache, not from a second upstream call.
  const { response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", tools, messages: [{ role: "user", content: "find tool cache" }] })
    .withResponse();
  expect(response.headers.get("x-helix-cache")).toBe("HIT");
  const a = first.choices[0].message.tool_calls![0];
  const b = replayed.choices[0].message.tool_calls![0];
  if (a.type !== "function" || b.type !== "function") throw new Error("expected function calls");
  expect(b.function).toEqual(a.function);
  expect(replayed.choices[0].finish_reason).toBe("tool_calls");
});

test("a truncated stream is never cached", async () => {
  const prompt = "[[kill-after:2]] [[words:10]] truncated";
  const s = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: prompt }] });
  await (async () => {
    for await (const c of s) void c;
  })().catch(() => {});
  const before = upstreamCalls();
  const again = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: prompt }] });
  await (async () => {
    for await (const c of again) void c;
  })().catch(() => {});
  expect(upstreamCalls() - before).toBeGreaterThanOrEqual(1);
});

test("x-helix-cache: bypass, no-store and refresh; bad values are a 400", async () => {
  const before = upstreamCalls();
  expect((await ask("directive one", { headers: { "x-helix-cache": "no-store" } })).cache).toBe("MISS");
  expect((await ask("directive one")).cache).toBe("MISS"); // nothing was stored
  expect((await ask("directive one")).cache).toBe("HIT");
  expect((await ask("directive one", { headers: { "x-helix-cache": "bypass" } })).cache).toBe("BYPASS");
  expect((await ask("directive one", { headers: { "x-helix-cache": "refresh" } })).cache).toBe("BYPASS");
  expect(upstreamCalls() - before).toBe(4);

  const bad = await fetch(`${helix.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-local-cache", "content-type": "application/json", "x-helix-cache": "sometimes" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("x-helix-cache");
});

test("x-helix-cache-ttl shortens an entry's life", async () => {
  await ask("short lived", { headers: { "x-helix-cache-ttl": "1" } });
  expect((await ask("short lived")).cache).toBe("HIT");
  await new Promise((r) => setTimeout(r, 1200));
  expect((await ask("short lived")).cache).toBe("MISS");
});

test("another key (another tenant in local mode) does not see the answer", async () => {
  await ask("tenant isolation");
  expect((await ask("tenant isolation")).cache).toBe("HIT");
  const other = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-someone-else", maxRetries: 0 });
  const { response } = await other.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "tenant isolation" }] })
    .withResponse();
  expect(response.headers.get("x-helix-cache")).toBe("MISS");
});

test("/helix/stats counts hits and what they saved; DELETE /helix/cache invalidates by model", async () => {
  await ask("stats one", { model: "claude-3-5-haiku-latest" });
  expect((await ask("stats one", { model: "claude-3-5-haiku-latest" })).cache).toBe("HIT");
  const auth = { authorization: "Bearer sk-local-cache" };
  const stats = (await (await fetch(`${helix.url}/helix/stats`, { headers: auth })).json()) as {
    cache: { hit: number; miss: number; hit_rate: number; saved_completion_tokens: number; by_model: Record<string, { hit: number }>; entries: { answers: { entries: number } } };
  };
  expect(stats.cache.hit).toBeGreaterThanOrEqual(1);
  expect(stats.cache.miss).toBeGreaterThanOrEqual(1);
  expect(stats.cache.hit_rate).toBeGreaterThan(0);
  expect(stats.cache.saved_completion_tokens).toBeGreaterThan(0);
  expect(stats.cache.by_model["claude-3-5-haiku-latest"].hit).toBeGreaterThanOrEqual(1);
  expect(stats.cache.entries.answers.entries).toBeGreaterThan(0);

  const bad = await fetch(`${helix.url}/helix/cache`, { method: "DELETE", headers: auth });
  expect(bad.status).toBe(400);
  const del = await fetch(`${helix.url}/helix/cache?model=claude-3-5-haiku-latest`, { method: "DELETE", headers: auth });
  expect(del.status).toBe(200);
  expect(((await del.json()) as { deleted: { answers: number } }).deleted.answers).toBeGreaterThanOrEqual(1);
  expect((await ask("stats one", { model: "claude-3-5-haiku-latest" })).cache).toBe("MISS");
  expect((await ask("cache me please")).cache).toBe("HIT"); // other models untouched
});
