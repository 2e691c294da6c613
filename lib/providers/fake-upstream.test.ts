// Every provider against the fake upstream (test/fake-upstream): real sockets, real wire formats,
// injected faults.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatCompletionChunk, ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { BadGatewayError, GatewayTimeoutError, InvalidRequestError, UpstreamError } from "@/lib/errors";
import { MISSING_MODEL, startFakeUpstream, type FakeUpstream } from "@/test/fake-upstream/server";
import type { Agent } from "undici";
import { closeUpstreamPool, upstreamAgent } from "./http";
import { getProvider } from "./registry";
import type { CallOptions, ProviderId, ProviderTarget, Timeouts } from "./types";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await closeUpstreamPool();
  await fake.close();
});
beforeEach(() => fake.reset());

const TIMEOUTS: Timeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 };

function opts(over: Partial<Timeouts> = {}, signal: AbortSignal = new AbortController().signal): CallOptions {
  return { signal, timeouts: { ...TIMEOUTS, ...over } };
}

const CASES: Array<{ id: ProviderId; model: string; base: (url: string) => string; missing: string }> = [
  { id: "openai", model: "gpt-4o-mini", base: (u) => `${u}/v1`, missing: "The model `does-not-exist` does not exist or you do not have access to it." },
  { id: "groq", model: "llama-3.3-70b-versatile", base: (u) => `${u}/openai/v1`, missing: "The model `does-not-exist` does not exist or you do not have access to it." },
  { id: "openai-compatible", model: "qwen2.5", base: (u) => `${u}/v1`, missing: "The model `does-not-exist` does not exist or you do not have access to it." },
  { id: "anthropic", model: "claude-sonnet-4-5", base: (u) => u, missing: "model: does-not-exist" },
  {
    id: "gemini",
    model: "gemini-2.5-flash",
    base: (u) => u,
    missing: "models/does-not-exist is not found for API version v1beta, or is not supported for generateContent.",
  },
];

const chatReq = (text: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest =>
  ({ model: "alias", messages: [{ role: "user", content: text }], ...extra }) as ChatCompletionRequest;

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

async function waitFor(cond: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const WEATHER = [{ type: "function" as const, function: { name: "search", description: "Search", parameters: { type: "object", properties: { query: { type: "string" } } } } }];

describe.each(CASES)("$id against the fake upstream", ({ id, model, base, missing }) => {
  const provider = getProvider(id);
  const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({ provider: id, upstreamModel: model, apiBase: base(fake.url), apiKey: "test-key", ...over });

  it("chat: answer, usage and the upstream model", async () => {
    const res = await provider.chat(chatReq("hello world", { temperature: 0.5, max_tokens: 100 }), target(), opts());
    expect(res.object).toBe("chat.completion");
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.choices[0].message.content).toBe("Echo: hello world");
    expect(res.choices[0].finish_reason).toBe("stop");
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
    expect(res.model).toContain(model);
    // The upstream model is in the body (OpenAI, Anthropic) or the path (Gemini).
    const sent = fake.requests[0];
    expect(JSON.stringify([sent.path, sent.body])).toContain(model);
  });

  it("chat with a system prompt and several turns", async () => {
    const res = await provider.chat(
      {
        model: "alias",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "first" },
          { role: "assistant", content: "Echo: first" },
          { role: "user", content: "second" },
        ],
      } as ChatCompletionRequest,
      target(),
      opts(),
    );
    expect(res.choices[0].message.content).toBe("[system: You are terse.] Echo: second");
  });

  it("chatStream: content, finish chunk, final usage chunk, one id", async () => {
    const chunks = await collect(await provider.chatStream(chatReq("stream me please"), target(), opts()));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Echo: stream me please");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "stop")).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("tools: tool call out, tool result back", async () => {
    const res = await provider.chat(chatReq("weather in Paris", { tools: WEATHER }), target(), opts());
    const call = res.choices[0].message.tool_calls?.[0];
    expect(res.choices[0].finish_reason).toBe("tool_calls");
    expect(call?.function.name).toBe("search");
    expect(JSON.parse(call!.function.arguments)).toEqual({ query: "weather in Paris" });

    const followUp = await provider.chat(
      {
        model: "alias",
        tools: WEATHER,
        messages: [
          { role: "user", content: "weather in Paris" },
          { role: "assistant", content: null, tool_calls: [call!] },
          { role: "tool", tool_call_id: call!.id, content: "sunny" },
        ],
      } as ChatCompletionRequest,
      target(),
      opts(),
    );
    expect(followUp.choices[0].message.content).toContain("Tool result: ");
    expect(followUp.choices[0].message.content).toContain("sunny");
  });

  it("tools in a stream: tool_calls deltas assemble to the call", async () => {
    const chunks = await collect(await provider.chatStream(chatReq("find cats", { tools: WEATHER }), target(), opts()));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0].id).toBeTruthy();
    expect(deltas[0].function?.name).toBe("search");
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? "").join(""))).toEqual({ query: "find cats" });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "tool_calls")).toBe(true);
    expect(chunks[chunks.length - 1].usage).toBeTruthy();
  });

  it("4xx passes through with the provider's own message", async () => {
    const err = await provider.chat(chatReq("hi"), target({ upstreamModel: MISSING_MODEL }), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(404);
    expect((err as UpstreamError).provider).toBe(id);
    expect((err as UpstreamError).retryable).toBe(false);
    expect((err as UpstreamError).message).toBe(missing);
  });

  it("429 with retry-after is retryable and carries the delay (also for streams)", async () => {
    const err = await provider.chat(chatReq("hi [[status:429 retry-after=1]]"), target(), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(429);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).retryAfterMs).toBe(1_000);
    const serr = await provider.chatStream(chatReq("hi [[status:429 retry-after=2]]"), target(), opts()).catch((e: unknown) => e);
    expect((serr as UpstreamError).retryAfterMs).toBe(2_000);
  });

  it("5xx is a retryable 502", async () => {
    fake.failNext(1, { status: 503 });
    const err = await provider.chat(chatReq("hi"), target(), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(502);
    expect((err as UpstreamError).retryable).toBe(true);
  });

  it("upstream killed mid-stream → the iterator throws BadGatewayError", async () => {
    const stream = await provider.chatStream(chatReq("one two three four five six [[kill-after:2]] [[chunk-delay:5]]"), target(), opts());
    const seen: ChatCompletionChunk[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/stream ended unexpectedly/);
    expect(seen.length).toBeGreaterThan(0);
  });

  it("a stream that ends without its terminator → BadGatewayError", async () => {
    const stream = await provider.chatStream(chatReq("no terminator here [[no-done]]"), target(), opts());
    const err = await collect(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/stream ended unexpectedly/);
  });

  it("stalled stream → GatewayTimeoutError after the idle timeout", async () => {
    const stream = await provider.chatStream(chatReq("one two three four five [[stall-after:2]]"), target(), opts({ idleMs: 200 }));
    const started = Date.now();
    const err = await collect(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayTimeoutError);
    expect((err as Error).message).toMatch(/idle/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await waitFor(() => fake.events.some((e) => e.type === "client-aborted"));
  });

  it("slow first byte → GatewayTimeoutError (chat and stream)", async () => {
    const err = await provider.chat(chatReq("slow [[delay:1000]]"), target(), opts({ firstByteMs: 150 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayTimeoutError);
    const serr = await provider.chatStream(chatReq("slow [[delay:1000]]"), target(), opts({ firstByteMs: 150 })).catch((e: unknown) => e);
    expect(serr).toBeInstanceOf(GatewayTimeoutError);
  });

  it("caller abort mid-stream → throws the abort reason and the upstream sees the hang-up", async () => {
    const ac = new AbortController();
    const stream = await provider.chatStream(chatReq("a b c d e f g h i j k l [[chunk-delay:100]]"), target(), opts({}, ac.signal));
    const reason = new Error("client disconnected");
    const err = await (async () => {
      for await (const c of stream) {
        void c;
        ac.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(err).toBe(reason);
    await waitFor(() => fake.events.some((e) => e.type === "client-aborted"));
  });

  it("breaking out of a stream early closes the upstream request", async () => {
    const stream = await provider.chatStream(chatReq("a b c d e f g h i j k l [[chunk-delay:100]]"), target(), opts());
    for await (const c of stream) {
      void c;
      break;
    }
    await waitFor(() => fake.events.some((e) => e.type === "client-aborted"));
  });

  it("caller abort before the answer → throws the abort reason; upstream sees the hang-up", async () => {
    const ac = new AbortController();
    const reason = new Error("gave up");
    setTimeout(() => ac.abort(reason), 100);
    const err = await provider.chat(chatReq("slow [[delay:2000]]"), target(), opts({}, ac.signal)).catch((e: unknown) => e);
    expect(err).toBe(reason);
    await waitFor(() => fake.events.some((e) => e.type === "client-aborted"));
  });

  it("connection refused → retryable BadGatewayError", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const dead = id === "openai" || id === "groq" || id === "openai-compatible" ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
    const err = await provider.chat(chatReq("hi"), target({ apiBase: dead }), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as BadGatewayError).retryable).toBe(true);
    const serr = await provider.chatStream(chatReq("hi"), target({ apiBase: dead }), opts()).catch((e: unknown) => e);
    expect(serr).toBeInstanceOf(BadGatewayError);
  });
});

describe("provider specifics against the fake upstream", () => {
  const t = (provider: ProviderId, apiBase: string, upstreamModel: string, apiKey?: string): ProviderTarget => ({ provider, apiBase, upstreamModel, apiKey });

  it("auth headers: bearer (none without key), x-api-key + anthropic-version, x-goog-api-key", async () => {
    await getProvider("openai").chat(chatReq("a"), t("openai", `${fake.url}/v1`, "gpt-4o", "sk-abc"), opts());
    await getProvider("anthropic").chat(chatReq("a"), t("anthropic", fake.url, "claude", "ak-abc"), opts());
    await getProvider("gemini").chat(chatReq("a"), t("gemini", fake.url, "gemini-2.5-flash", "gk-abc"), opts());
    const [o, a, g] = fake.requests;
    expect(o.headers.authorization).toBe("Bearer sk-abc");
    expect(a.headers["x-api-key"]).toBe("ak-abc");
    expect(a.headers["anthropic-version"]).toBe("2023-06-01");
    expect(a.path).toBe("/v1/messages");
    expect(g.headers["x-goog-api-key"]).toBe("gk-abc");
    expect(g.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");

    // Without a key no Authorization header is sent: the fake (like OpenAI) answers 401, passed through.
    const err = await getProvider("openai-compatible").chat(chatReq("a"), t("openai-compatible", `${fake.url}/v1`, "llama3"), opts()).catch((e: unknown) => e);
    expect((err as UpstreamError).status).toBe(401);
    expect((err as Error).message).toMatch(/You didn't provide an API key/);
  });

  it("OpenAI: unknown fields are forwarded; streams ask for usage upstream", async () => {
    await getProvider("openai").chatStream(
      chatReq("a", { stream: true, stream_options: { include_usage: false }, custom_field: 1 } as Partial<ChatCompletionRequest>),
      t("openai", `${fake.url}/v1`, "gpt-4o", "k"),
      opts(),
    ).then(collect);
    const body = fake.requests[0].body as Record<string, unknown>;
    expect(body.custom_field).toBe(1);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.model).toBe("gpt-4o");
  });

  it("Gemini streams use ?alt=sse", async () => {
    await getProvider("gemini").chatStream(chatReq("a"), t("gemini", fake.url, "gemini-2.5-flash", "k"), opts()).then(collect);
    expect(fake.requests[0].path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(fake.requests[0].query.alt).toBe("sse");
  });

  it("embeddings: OpenAI-compatible and Gemini (single and batch); Anthropic has none", async () => {
    const o = await getProvider("openai").embeddings({ model: "e", input: ["a", "b"] }, t("openai", `${fake.url}/v1`, "text-embedding-3-small", "k"), opts());
    expect(o.data).toHaveLength(2);
    expect(Array.isArray(o.data[0].embedding)).toBe(true);
    const g1 = await getProvider("gemini").embeddings({ model: "e", input: "hello" }, t("gemini", fake.url, "text-embedding-004", "k"), opts());
    expect(g1.data).toHaveLength(1);
    expect((g1.data[0].embedding as number[]).length).toBeGreaterThan(0);
    const g2 = await getProvider("gemini").embeddings({ model: "e", input: ["a", "b", "c"] }, t("gemini", fake.url, "text-embedding-004", "k"), opts());
    expect(g2.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(fake.requests.map((r) => r.path.split(":")[1]).slice(1)).toEqual(["embedContent", "batchEmbedContents"]);
    await expect(getProvider("anthropic").embeddings({ model: "e", input: "x" }, t("anthropic", fake.url, "claude", "k"), opts())).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it("keep-alive: sequential calls and completed streams reuse one pooled connection", async () => {
    const connectMs = 2_345; // a pool of its own, so other tests' sockets don't count
    const target = t("openai", `${fake.url}/v1`, "gpt-4o", "k");
    const o = opts({ connectMs });
    for (let i = 0; i < 3; i++) {
      await getProvider("openai").chat(chatReq(`a${i}`), target, o);
      await getProvider("openai").chatStream(chatReq(`b${i}`), target, o).then(collect);
    }
    const stats = (upstreamAgent(connectMs) as Agent).stats[fake.url];
    // undici marks a socket free a tick after its body ended, so a request sent in that same tick
    // opens a second one; after that both are reused. Six calls must not mean six sockets.
    expect(stats.connected).toBeLessThanOrEqual(2);
  });

  it("Groq: n>1 is refused before any call", async () => {
    await expect(getProvider("groq").chat(chatReq("a", { n: 2 }), t("groq", `${fake.url}/openai/v1`, "llama", "k"), opts())).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(fake.requests).toHaveLength(0);
  });
});
