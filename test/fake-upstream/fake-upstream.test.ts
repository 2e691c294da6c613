// The fake upstream is only useful if the official SDKs accept it as the real thing, so the wire
// formats are checked by driving it with those SDKs; raw fetch covers headers and framing.
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, FunctionCallingConfigMode, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "./server";

let fake: FakeUpstream;
let openai: OpenAI;
let anthropic: Anthropic;
let gemini: GoogleGenAI;

beforeAll(async () => {
  fake = await startFakeUpstream();
  openai = new OpenAI({ apiKey: "sk-test", baseURL: `${fake.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "ak-test", baseURL: fake.url, maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: "gk-test", httpOptions: { baseUrl: fake.url } });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const user = (content: string) => ({ role: "user" as const, content });

async function post(p: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${fake.url}${p}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}
const OPENAI_AUTH = { authorization: "Bearer sk-test" };
const ANTHROPIC_AUTH = { "x-api-key": "ak-test", "anthropic-version": "2023-06-01" };
const GEMINI_AUTH = { "x-goog-api-key": "gk-test" };

/** `data:` payloads of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((e) => e.trim() !== "")
    .map((e) => e.split("\n").find((l) => l.startsWith("data: "))?.slice(6) ?? "");
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const tools = [
  { type: "function" as const, function: { name: "search", parameters: { type: "object", properties: {} } } },
  { type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: {} } } },
];

describe("OpenAI wire format (openai SDK)", () => {
  it("answers a chat with the echo, the system prefix and exact usage", async () => {
    const res = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "system", content: "You are a terse helpful bot" }, user("hello there world")],
    });
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0].message.content).toBe("[system: You are a terse help] Echo: hello there world");
    expect(res.choices[0].finish_reason).toBe("stop");
    // 6 + 1 (system) + 3 + 1 (user) = 11; the answer has 10 words.
    expect(res.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 10, total_tokens: 21 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions", provider: "openai" });
    expect(fake.requests[0].headers.authorization).toBe("Bearer sk-test");
    expect((fake.requests[0].body as { model: string }).model).toBe("gpt-4o-mini");
  });

  it("counts multi-part text and images, and the developer role as system", async () => {
    const res = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "Be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "what is" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            { type: "text", text: "here?" },
          ],
        },
      ],
    });
    expect(res.choices[0].message.content).toBe("[system: Be brief] Echo: what is [image] here?");
  });

  it("streams word chunks: role first, then content, then finish, then [DONE]", async () => {
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [user("one two three")],
      stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const contents = chunks.slice(1).map((c) => c.choices[0]?.delta.content).filter((c) => c);
    expect(contents).toEqual(["Echo:", " one", " two", " three"]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("stop");
    expect(chunks.every((c) => !c.usage)).toBe(true);

    const raw = await (await post("/v1/chat/completions", { model: "m", stream: true, messages: [user("hi")] }, OPENAI_AUTH)).text();
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("sends a usage chunk with empty choices when include_usage is set", async () => {
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [user("count me")],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("stop");
  });

  it("calls the first tool, or the named one, and not with tool_choice none", async () => {
    const first = await openai.chat.completions.create({ model: "m", messages: [user("weather in Paris")], tools });
    expect(first.choices[0].finish_reason).toBe("tool_calls");
    expect(first.choices[0].message.content).toBeNull();
    const call = first.choices[0].message.tool_calls![0];
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("search");
    expect(JSON.parse(call.function.arguments)).toEqual({ query: "weather in Paris" });

    const named = await openai.chat.completions.create({
      model: "m",
      messages: [user("x")],
      tools,
      tool_choice: { type: "function", function: { name: "lookup" } },
    });
    const namedCall = named.choices[0].message.tool_calls![0];
    expect(namedCall.type === "function" && namedCall.function.name).toBe("lookup");

    const none = await openai.chat.completions.create({ model: "m", messages: [user("x")], tools, tool_choice: "none" });
    expect(none.choices[0].message.content).toBe("Echo: x");
  });

  it("answers a tool result after a tool call (round trip)", async () => {
    const first = await openai.chat.completions.create({ model: "m", messages: [user("weather?")], tools });
    const call = first.choices[0].message.tool_calls![0];
    const second = await openai.chat.completions.create({
      model: "m",
      tools,
      messages: [user("weather?"), first.choices[0].message, { role: "tool", tool_call_id: call.id, content: "sunny, 21C" }],
    });
    expect(second.choices[0].finish_reason).toBe("stop");
    expect(second.choices[0].message.content).toBe("Tool result: sunny, 21C");
  });

  it("streams tool calls as id+name first and arguments in pieces", async () => {
    const stream = await openai.chat.completions.create({ model: "m", messages: [user("find cats")], tools, stream: true });
    const deltas = [];
    for await (const c of stream) if (c.choices[0]?.delta.tool_calls) deltas.push(c.choices[0].delta.tool_calls[0]);
    expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "search", arguments: "" } });
    expect(deltas[0].id).toMatch(/^call_/);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? "").join(""))).toEqual({ query: "find cats" });

    // The SDK's stream helper assembles the same call.
    const helper = openai.chat.completions.stream({ model: "m", messages: [user("find dogs")], tools });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe("tool_calls");
    const call = final.choices[0].message.tool_calls![0];
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ query: "find dogs" });
  });

  it("answers valid JSON in JSON mode (json_object and json_schema)", async () => {
    const a = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "system", content: "Reply in JSON" }, user('say "hi"')],
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(a.choices[0].message.content!)).toEqual({ echo: 'say "hi"' });
    const b = await openai.chat.completions.create({
      model: "m",
      messages: [user("schema please")],
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    });
    expect(JSON.parse(b.choices[0].message.content!)).toEqual({ echo: "schema please" });
  });

  it("embeds deterministically as floats and as base64 float32", async () => {
    const floats = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta"], encoding_format: "float" });
    expect(floats.data).toHaveLength(2);
    expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
    const [a, b] = floats.data.map((d) => d.embedding);
    expect(a).toHaveLength(8);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(a).not.toEqual(b);
    expect(floats.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });

    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const decoded = await openai.embeddings.create({ model: "text-embedding-3-small", input: "alpha" });
    expect(fake.requests.at(-1)!.body).toMatchObject({ encoding_format: "base64" });
    expect(decoded.data[0].embedding).toEqual(a);

    const raw = (await (
      await post("/v1/embeddings", { model: "e", input: "alpha", encoding_format: "base64" }, OPENAI_AUTH)
    ).json()) as { data: Array<{ embedding: string }> };
    const buf = Buffer.from(raw.data[0].embedding, "base64");
    expect(Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4))).toEqual(a);
  });

  it("lists models, and serves the same API under /openai/v1 (Groq)", async () => {
    const ids = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toContain("gpt-4o-mini");

    const groq = new OpenAI({ apiKey: "gsk-test", baseURL: `${fake.url}/openai/v1`, maxRetries: 0 });
    const res = await groq.chat.completions.create({ model: "llama-3.3-70b-versatile", messages: [user("hi groq")] });
    expect(res.choices[0].message.content).toBe("Echo: hi groq");
    expect(fake.requests.at(-1)).toMatchObject({ path: "/openai/v1/chat/completions", provider: "openai" });
  });

  it("rejects missing/invalid keys, bad JSON, missing fields and does-not-exist in OpenAI's error shape", async () => {
    const noKey = await post("/v1/chat/completions", { model: "m", messages: [user("x")] });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");

    const bad = new OpenAI({ apiKey: "invalid-key", baseURL: `${fake.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: "m", messages: [user("x")] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    const badJson = await post("/v1/chat/completions", "{not json", OPENAI_AUTH);
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: "invalid_request_error" } });

    const noMessages = await post("/v1/chat/completions", { model: "m" }, OPENAI_AUTH);
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toMatchObject({ error: { param: "messages" } });

    const err = await openai.chat.completions.create({ model: "does-not-exist", messages: [user("x")] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });
});

describe("Anthropic wire format (@anthropic-ai/sdk)", () => {
  it("creates a message with the system prefix and usage", async () => {
    const msg = await anthropic.messages.create({
      model: "claude-test",
      max_tokens: 100,
      system: "You are Claude the fake",
      messages: [user("hello claude")],
    });
    expect(msg.type).toBe("message");
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.content).toEqual([{ type: "text", text: "[system: You are Claude the f] Echo: hello claude" }]);
    expect(msg.usage).toMatchObject({ input_tokens: 5 + 1 + 2 + 1, output_tokens: 9 });
    expect(fake.requests[0]).toMatchObject({ path: "/v1/messages", provider: "anthropic" });
    expect(fake.requests[0].headers["anthropic-version"]).toBeTruthy();
    // @anthropic-ai/sdk 1.x sends the key as a bearer token; raw clients send x-api-key.
    expect(fake.requests[0].headers.authorization).toBe("Bearer ak-test");
  });

  it("streams the Messages API event sequence (messages.stream + finalMessage)", async () => {
    const stream = anthropic.messages.stream({ model: "claude-test", max_tokens: 100, messages: [user("stream me please")] });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts).toEqual(["Echo:", " stream", " me", " please"]);
    expect(final.content).toMatchObject([{ type: "text", text: "Echo: stream me please" }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBe(4);
    expect(final.usage.output_tokens).toBe(4);

    const raw = await (await post("/v1/messages", { model: "c", max_tokens: 5, stream: true, messages: [user("a b")] }, ANTHROPIC_AUTH)).text();
    const types = raw.split("\n").filter((l) => l.startsWith("event: ")).map((l) => l.slice(7));
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  const anthropicTools = [
    { name: "search", description: "search", input_schema: { type: "object" as const, properties: {} } },
    { name: "lookup", description: "lookup", input_schema: { type: "object" as const, properties: {} } },
  ];

  it("uses tools (create and stream) and answers tool results", async () => {
    const msg = await anthropic.messages.create({ model: "c", max_tokens: 100, tools: anthropicTools, messages: [user("find it")] });
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content[0]).toMatchObject({ type: "tool_use", name: "search", input: { query: "find it" } });

    const named = await anthropic.messages.create({
      model: "c",
      max_tokens: 100,
      tools: anthropicTools,
      tool_choice: { type: "tool", name: "lookup" },
      messages: [user("find it")],
    });
    expect(named.content[0]).toMatchObject({ type: "tool_use", name: "lookup" });

    const streamed = await anthropic.messages
      .stream({ model: "c", max_tokens: 100, tools: anthropicTools, messages: [user("stream tool")] })
      .finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.content[0]).toMatchObject({ type: "tool_use", name: "search", input: { query: "stream tool" } });

    const toolUse = msg.content[0];
    if (toolUse.type !== "tool_use") throw new Error("expected tool_use");
    const after = await anthropic.messages.create({
      model: "c",
      max_tokens: 100,
      tools: anthropicTools,
      messages: [
        user("find it"),
        { role: "assistant", content: msg.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "found 3 items" }] },
      ],
    });
    expect(after.stop_reason).toBe("end_turn");
    expect(after.content[0]).toMatchObject({ type: "text", text: "Tool result: found 3 items" });
  });

  it("rejects missing auth/version, bad bodies and does-not-exist in Anthropic's error shape", async () => {
    const noKey = await post("/v1/messages", { model: "c", max_tokens: 1, messages: [user("x")] }, { "anthropic-version": "2023-06-01" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ type: "error", error: { type: "authentication_error", message: expect.any(String) } });

    const bearerNoVersion = await post("/v1/messages", { model: "c", max_tokens: 1, messages: [user("x")] }, { authorization: "Bearer k" });
    expect(bearerNoVersion.status).toBe(400);

    const noVersion = await post("/v1/messages", { model: "c", max_tokens: 1, messages: [user("x")] }, { "x-api-key": "k" });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });

    const noMax = await post("/v1/messages", { model: "c", messages: [user("x")] }, ANTHROPIC_AUTH);
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });

    const badJson = await post("/v1/messages", "{", ANTHROPIC_AUTH);
    expect(badJson.status).toBe(400);

    await expect(
      anthropic.messages.create({ model: "does-not-exist", max_tokens: 1, messages: [user("x")] }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe("Gemini wire format (@google/genai)", () => {
  it("generates content with systemInstruction and usageMetadata on /v1beta", async () => {
    const res = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "hello gemini",
      config: { systemInstruction: "Answer like a pirate please" },
    });
    expect(res.text).toBe("[system: Answer like a pirate] Echo: hello gemini");
    expect(res.candidates![0].finishReason).toBe("STOP");
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 5 + 1 + 2 + 1, candidatesTokenCount: 8, totalTokenCount: 17 });
    expect(fake.requests[0]).toMatchObject({ path: "/v1beta/models/gemini-2.5-flash:generateContent", provider: "gemini" });
    expect(fake.requests[0].headers["x-goog-api-key"]).toBe("gk-test");
  });

  it("streams with ?alt=sse, usageMetadata on the last event", async () => {
    const stream = await gemini.models.generateContentStream({ model: "gemini-2.5-flash", contents: "one two" });
    const parts = [];
    for await (const chunk of stream) parts.push(chunk);
    expect(parts.map((p) => p.text)).toEqual(["Echo:", " one", " two"]);
    expect(parts.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 3, candidatesTokenCount: 3, totalTokenCount: 6 });
    expect(parts.at(-1)!.candidates![0].finishReason).toBe("STOP");
    expect(parts[0].usageMetadata).toBeUndefined();
    expect(fake.requests[0]).toMatchObject({ path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent", query: { alt: "sse" } });
  });

  it("calls functions and answers function responses", async () => {
    const config = {
      tools: [{ functionDeclarations: [{ name: "get_weather", description: "weather" }, { name: "other" }] }],
    };
    const res = await gemini.models.generateContent({ model: "gemini-2.5-flash", contents: "weather in Rome", config });
    expect(res.functionCalls).toEqual([{ name: "get_weather", args: { query: "weather in Rome" } }]);

    const forced = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "x",
      config: { ...config, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ["other"] } } },
    });
    expect(forced.functionCalls![0].name).toBe("other");

    const after = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      config,
      contents: [
        { role: "user", parts: [{ text: "weather in Rome" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { query: "weather in Rome" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { result: "hot" } } }] },
      ],
    });
    expect(after.functionCalls).toBeUndefined();
    expect(after.text).toBe("Tool result: hot");
  });

  it("answers JSON with responseMimeType application/json", async () => {
    const res = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "give json",
      config: { responseMimeType: "application/json" },
    });
    expect(JSON.parse(res.text!)).toEqual({ echo: "give json" });
  });

  it("embeds through the SDK (batchEmbedContents) and raw embedContent alike", async () => {
    const res = await gemini.models.embedContent({ model: "gemini-embedding-001", contents: ["alpha", "beta"] });
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(res.embeddings).toHaveLength(2);
    const floats = await openai.embeddings.create({ model: "e", input: "alpha", encoding_format: "float" });
    expect(res.embeddings![0].values).toEqual(floats.data[0].embedding);

    const raw = await post("/v1beta/models/gemini-embedding-001:embedContent?key=gk-test", { content: { parts: [{ text: "alpha" }] } });
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { embedding: { values: number[] } }).embedding.values).toEqual(floats.data[0].embedding);
  });

  it("rejects a missing key, bad bodies and does-not-exist in Google's error shape", async () => {
    const noKey = await post("/v1beta/models/g:generateContent", { contents: [{ parts: [{ text: "x" }] }] });
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED", message: expect.any(String) } });

    const badKey = await post("/v1beta/models/g:generateContent?key=invalid", { contents: [{ parts: [{ text: "x" }] }] });
    expect(badKey.status).toBe(400);

    const noContents = await post("/v1beta/models/g:generateContent", {}, GEMINI_AUTH);
    expect(noContents.status).toBe(400);
    expect(await noContents.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });

    const err = await gemini.models.generateContent({ model: "does-not-exist", contents: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
  });
});

describe("fault directives", () => {
  it("[[status:N]] answers that status in each provider's shape, with retry-after when asked", async () => {
    const a = await post("/v1/chat/completions", { model: "m", messages: [user("x [[status:429 retry-after=1]]")] }, OPENAI_AUTH);
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("1");
    expect(await a.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });

    const b = await post("/v1/messages", { model: "c", max_tokens: 5, messages: [user("[[status:503]] x")] }, ANTHROPIC_AUTH);
    expect(b.status).toBe(503);
    expect(b.headers.get("retry-after")).toBeNull();
    expect(await b.json()).toMatchObject({ type: "error", error: { type: expect.any(String) } });

    const c = await post("/v1beta/models/g:generateContent", { contents: [{ parts: [{ text: "[[status:500]]" }] }] }, GEMINI_AUTH);
    expect(c.status).toBe(500);
    expect(await c.json()).toMatchObject({ error: { code: 500, status: "INTERNAL" } });

    const err = await openai.chat.completions.create({ model: "m", messages: [user("[[status:503]]")] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("[[fail-first:N status=S]] fails the first N requests with that exact text, then succeeds", async () => {
    const body = { model: "m", messages: [user("retry me [[fail-first:2 status=502]]")] };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("/v1/chat/completions", body, OPENAI_AUTH)).status);
    expect(statuses).toEqual([502, 502, 200]);
    // Another message text has its own counter.
    const other = await post("/v1/chat/completions", { model: "m", messages: [user("other [[fail-first:2 status=502]]")] }, OPENAI_AUTH);
    expect(other.status).toBe(502);

    // An SDK with retries gets through on its third attempt.
    const retrying = new OpenAI({ apiKey: "k", baseURL: `${fake.url}/v1`, maxRetries: 2 });
    fake.reset();
    const res = await retrying.chat.completions.create({ model: "m", messages: [user("sdk retry [[fail-first:2 status=500 retry-after=0]]")] });
    expect(res.choices[0].message.content).toBe("Echo: sdk retry");
    expect(fake.requests).toHaveLength(3);
  });

  it("[[delay:N]] waits before answering, [[chunk-delay:N]] between events", async () => {
    let start = Date.now();
    const res = await openai.chat.completions.create({ model: "m", messages: [user("slow [[delay:300]]")] });
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    expect(res.choices[0].message.content).toBe("Echo: slow");

    start = Date.now();
    const times: number[] = [];
    const stream = await openai.chat.completions.create({ model: "m", messages: [user("[[words:4]] [[chunk-delay:60]]")], stream: true });
    for await (const c of stream) if (c.choices[0]?.delta.content) times.push(Date.now() - start);
    expect(times).toHaveLength(4);
    expect(times[3] - times[0]).toBeGreaterThanOrEqual(150);
  });

  it("[[words:N]] answers exactly N words", async () => {
    const res = await openai.chat.completions.create({ model: "m", messages: [user("[[words:200]]")] });
    const words = res.choices[0].message.content!.split(" ");
    expect(words).toHaveLength(200);
    expect(words[0]).toBe("w1");
    expect(words[199]).toBe("w200");
    expect(res.usage!.completion_tokens).toBe(200);
  });

  it("[[kill-after:N]] destroys the socket after N content events (all three SDKs see an error)", async () => {
    const stream = await openai.chat.completions.create({ model: "m", messages: [user("[[words:10]] [[kill-after:3]]")], stream: true });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta.content) got.push(c.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(got).toEqual(["w1", " w2", " w3"]);
    expect(fake.events.map((e) => e.type)).toEqual(["upstream-killed"]);

    await expect(
      anthropic.messages.stream({ model: "c", max_tokens: 5, messages: [user("[[words:10]] [[kill-after:3]]")] }).finalMessage(),
    ).rejects.toThrow();

    await expect(
      (async () => {
        for await (const _ of await gemini.models.generateContentStream({ model: "g", contents: "[[words:10]] [[kill-after:3]]" })) void _;
      })(),
    ).rejects.toThrow();

    // Without a stream the connection just drops.
    await expect(post("/v1/chat/completions", { model: "m", messages: [user("[[kill-after:0]]")] }, OPENAI_AUTH)).rejects.toThrow();
    expect(fake.events.filter((e) => e.type === "client-aborted")).toEqual([]);
  });

  it("[[stall-after:N]] stops after N content events and keeps the socket open; the client abort is recorded", async () => {
    const ac = new AbortController();
    const res = await post(
      "/v1/chat/completions",
      { model: "m", stream: true, messages: [user("[[words:10]] [[stall-after:2]]")] },
      OPENAI_AUTH,
      ac.signal,
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (sseData(text).length < 3) text += decoder.decode((await reader.read()).value, { stream: true });
    // role chunk + 2 content chunks, then nothing more.
    const next = await Promise.race([reader.read().then(() => "data"), new Promise((r) => setTimeout(() => r("silence"), 300))]);
    expect(next).toBe("silence");
    expect(sseData(text).map((d) => JSON.parse(d).choices[0].delta.content)).toEqual(["", "w1", " w2"]);
    expect(fake.events.map((e) => e.type)).toEqual(["stalled"]);
    ac.abort();
    await waitFor(() => fake.events.some((e) => e.type === "client-aborted"));
    expect(fake.events.at(-1)).toMatchObject({ type: "client-aborted", path: "/v1/chat/completions", provider: "openai" });
  });

  it("[[no-done]] ends the stream cleanly without the terminator", async () => {
    const o = await (await post("/v1/chat/completions", { model: "m", stream: true, messages: [user("hi [[no-done]]")] }, OPENAI_AUTH)).text();
    expect(o).not.toContain("[DONE]");
    expect(sseData(o).map((d) => JSON.parse(d).choices[0].finish_reason).at(-1)).toBe("stop");

    const a = await (await post("/v1/messages", { model: "c", max_tokens: 5, stream: true, messages: [user("hi [[no-done]]")] }, ANTHROPIC_AUTH)).text();
    expect(a).toContain("event: message_delta");
    expect(a).not.toContain("message_stop");

    const g = await (await post("/v1beta/models/g:streamGenerateContent?alt=sse", { contents: [{ parts: [{ text: "hi [[no-done]]" }] }] }, GEMINI_AUTH)).text();
    expect(sseData(g)).toHaveLength(2);
    expect(g).not.toContain("finishReason");
    expect(fake.events).toEqual([]);
  });

  it("records client-aborted when the caller disconnects mid-stream", async () => {
    const ac = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: "m", messages: [user("[[words:50]] [[chunk-delay:20]]")], stream: true },
      { signal: ac.signal },
    );
    let n = 0;
    await (async () => {
      for await (const c of stream) {
        if (c.choices[0]?.delta.content && ++n === 2) ac.abort();
      }
    })().catch(() => undefined);
    await waitFor(() => fake.events.length > 0);
    expect(fake.events).toEqual([expect.objectContaining({ type: "client-aborted", path: "/v1/chat/completions" })]);
  });

  it("[[answer-b64:…]] answers with exactly the decoded text, plain, streamed and as tool arguments", async () => {
    const text = "Write to jane@example.com today";
    const d = `hi [[answer-b64:${Buffer.from(text).toString("base64")}]]`;
    const plain = await openai.chat.completions.create({ model: "m", messages: [user(d)] });
    expect(plain.choices[0].message.content).toBe(text);
    const stream = await openai.chat.completions.create({ model: "m", stream: true, messages: [user(d)] });
    let streamed = "";
    for await (const c of stream) streamed += c.choices[0]?.delta.content ?? "";
    expect(streamed).toBe(text);
    const tool = await openai.chat.completions.create({ model: "m", messages: [user(d)], tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] });
    const call = tool.choices[0].message.tool_calls![0];
    if (call.type !== "function") throw new Error("expected a function call");
    expect(JSON.parse(call.function.arguments)).toEqual({ query: text });
  });

  it("removes directives from the echoed text", async () => {
    const res = await openai.chat.completions.create({ model: "m", messages: [user("hello [[delay:1]] world [[chunk-delay:1]]")] });
    expect(res.choices[0].message.content).toBe("Echo: hello world");
  });
});

describe("programmatic control", () => {
  it("failNext(n) fails the next n requests of any kind in the provider's shape, then recovers", async () => {
    fake.failNext(2, { status: 503, retryAfter: "2" });
    const a = await post("/v1/messages", { model: "c", max_tokens: 5, messages: [user("x")] }, ANTHROPIC_AUTH);
    expect(a.status).toBe(503);
    expect(a.headers.get("retry-after")).toBe("2");
    expect(await a.json()).toMatchObject({ type: "error" });
    const g = await post("/v1beta/models/g:generateContent", { contents: [{ parts: [{ text: "x" }] }] }, GEMINI_AUTH);
    expect(g.status).toBe(503);
    expect(await g.json()).toMatchObject({ error: { code: 503, status: "UNAVAILABLE" } });
    const ok = await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    expect(ok.status).toBe(200);

    fake.failNext(1, { status: 418, body: { custom: true } });
    const custom = await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    expect(custom.status).toBe(418);
    expect(await custom.json()).toEqual({ custom: true });
  });

  it("reset() clears requests, events and pending failures", async () => {
    fake.failNext(5, { status: 500 });
    await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    expect(fake.requests).toHaveLength(1);
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH)).status).toBe(200);
  });

  it("exposes requests, events, reset and failNext over HTTP for other processes", async () => {
    await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    const listed = (await (await fetch(`${fake.url}/__fake/requests`)).json()) as { requests: unknown[] };
    expect(listed.requests).toHaveLength(1);
    await post("/__fake/fail-next", { n: 1, status: 429, retryAfter: "3" });
    const failed = await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    expect(failed.status).toBe(429);
    expect(failed.headers.get("retry-after")).toBe("3");
    await post("/__fake/reset", {});
    expect(fake.requests).toHaveLength(0);
  });

  it("keeps connections alive", async () => {
    const res = await post("/v1/chat/completions", { model: "m", messages: [user("x")] }, OPENAI_AUTH);
    await res.text();
    expect(res.headers.get("connection")).toBe("keep-alive");
  });

  it("runs standalone: prints FAKE_UPSTREAM_URL first and exits on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts"), "--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(buf.slice(0, nl));
      });
      child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    const match = /^FAKE_UPSTREAM_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
    expect(match).not.toBeNull();
    const res = await fetch(`${match![1]}/v1/chat/completions`, {
      method: "POST",
      headers: { ...OPENAI_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [user("standalone")] }),
    });
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe(
      "Echo: standalone",
    );
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
