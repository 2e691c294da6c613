import { beforeEach, describe, expect, it, vi } from "vitest";
import { BadGatewayError, GatewayTimeoutError, UpstreamError } from "@/lib/errors";
import { parseConfigObject } from "@/lib/config/parse";
import type { HelixConfig } from "@/lib/config/schema";
import type { ChatCompletion, ChatCompletionChunk } from "../openai-contract";
import type { Provider, ProviderTarget } from "@/lib/providers/types";
import { createContext } from "../context";

// The stage's own logic (retries, backoff, fallbacks) against a scripted provider.
const script: Array<() => Promise<unknown>> = [];
const calls: ProviderTarget[] = [];
const scripted: Provider = {
  id: "openai",
  chat: async (_req, target) => {
    calls.push(target);
    return (await script.shift()!()) as ChatCompletion;
  },
  chatStream: async (_req, target) => {
    calls.push(target);
    return (await script.shift()!()) as AsyncIterable<ChatCompletionChunk>;
  },
  embeddings: async () => {
    throw new Error("unused");
  },
};
vi.mock("@/lib/providers/registry", () => ({ getProvider: () => scripted }));

const { callProvider } = await import("./call-provider");

function config(gateway: Record<string, unknown> = {}): HelixConfig {
  const r = parseConfigObject({ helix_settings: { gateway: { retry_backoff_ms: 1, retry_backoff_max_ms: 5, ...gateway } } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const target = (upstreamModel: string): ProviderTarget => ({ provider: "openai", upstreamModel, apiBase: "http://x/v1" });

function ctxFor(cfg: HelixConfig, chain: ProviderTarget[], stream = false) {
  const ctx = createContext(new Request("http://helix/v1/chat/completions", { method: "POST" }), "chat.completions", cfg);
  ctx.chatRequest = { model: "m", messages: [{ role: "user", content: "hi" }], stream };
  ctx.requestedModel = "m";
  ctx.chain = chain;
  return ctx;
}

const completion = (model: string): ChatCompletion => ({
  id: "c",
  object: "chat.completion",
  created: 1,
  model,
  choices: [{ index: 0, message: { role: "assistant", content: "ok", refusal: null }, finish_reason: "stop", logprobs: null }],
});

beforeEach(() => {
  script.length = 0;
  calls.length = 0;
});

describe("callProvider", () => {
  it("retries retryable failures on the same deployment, then succeeds", async () => {
    script.push(
      () => Promise.reject(new UpstreamError("openai", 503, "busy")),
      () => Promise.reject(new BadGatewayError("reset")),
      () => Promise.resolve(completion("a")),
    );
    const ctx = ctxFor(config({ num_retries: 2 }), [target("a")]);
    const r = await callProvider(ctx);
    expect(r.kind).toBe("chat");
    expect(calls.map((c) => c.upstreamModel)).toEqual(["a", "a", "a"]);
    expect(ctx.attempts.map((a) => a.status)).toEqual([502, 502, 200]);
    expect(ctx.served).toEqual({ provider: "openai", model: "a" });
  });

  it("does not retry or fall back on a client error", async () => {
    script.push(() => Promise.reject(new UpstreamError("openai", 400, "bad param")));
    const ctx = ctxFor(config(), [target("a"), target("b")]);
    await expect(callProvider(ctx)).rejects.toMatchObject({ status: 400, message: "bad param" });
    expect(calls).toHaveLength(1);
  });

  it("falls back to the next deployment after retries are used up, and on 404 at once", async () => {
    script.push(
      () => Promise.reject(new GatewayTimeoutError("slow")),
      () => Promise.reject(new GatewayTimeoutError("slow")),
      () => Promise.reject(new UpstreamError("openai", 404, "no such model")),
      () => Promise.resolve(completion("c")),
    );
    const ctx = ctxFor(config({ num_retries: 1 }), [target("a"), target("b"), target("c")]);
    await callProvider(ctx);
    expect(calls.map((c) => c.upstreamModel)).toEqual(["a", "a", "b", "c"]);
    expect(ctx.served?.model).toBe("c");
  });

  it("honours retry-after, but gives up at once when it is beyond max_retry_after_ms", async () => {
    script.push(
      () => Promise.reject(new UpstreamError("openai", 429, "slow down", { retryAfterMs: 60 })),
      () => Promise.resolve(completion("a")),
    );
    const t0 = performance.now();
    await callProvider(ctxFor(config({ num_retries: 2 }), [target("a")]));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);

    script.push(() => Promise.reject(new UpstreamError("openai", 429, "come back in an hour", { retryAfterMs: 3_600_000 })));
    const err = await callProvider(ctxFor(config({ num_retries: 2, max_retry_after_ms: 1000 }), [target("a")])).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(429);
    expect(err.headers["retry-after"]).toBe("3600");
  });

  it("retries a stream that fails before its first chunk, not after", async () => {
    async function* dies(): AsyncGenerator<ChatCompletionChunk> {
      throw new BadGatewayError("stream ended unexpectedly");
    }
    async function* works(): AsyncGenerator<ChatCompletionChunk> {
      yield { id: "s", object: "chat.completion.chunk", created: 1, model: "a", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] };
    }
    script.push(() => Promise.resolve(dies()), () => Promise.resolve(works()));
    const ctx = ctxFor(config(), [target("a")], true);
    const r = await callProvider(ctx);
    if (r.kind !== "chat-stream") throw new Error("expected a stream");
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of r.stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0].delta.content)).toEqual(["hi"]);
    expect(calls).toHaveLength(2);
    expect(ctx.ttftMs).toBeTypeOf("number");
  });

  it("retries a stream that dies after a role-only chunk: the client has seen no output yet", async () => {
    const chunk = (delta: ChatCompletionChunk["choices"][number]["delta"]): ChatCompletionChunk => ({
      id: "s",
      object: "chat.completion.chunk",
      created: 1,
      model: "a",
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    async function* dies(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk({ role: "assistant", content: "" });
      throw new BadGatewayError("stream ended unexpectedly");
    }
    async function* works(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk({ role: "assistant", content: "" });
      yield chunk({ content: "hi" });
    }
    script.push(() => Promise.resolve(dies()), () => Promise.resolve(works()));
    const r = await callProvider(ctxFor(config(), [target("a")], true));
    if (r.kind !== "chat-stream") throw new Error("expected a stream");
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of r.stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0].delta.content)).toEqual(["", "hi"]);
    expect(calls).toHaveLength(2);
  });

  it("stops waiting for a retry when the client goes away", async () => {
    script.push(() => Promise.reject(new UpstreamError("openai", 503, "busy", { retryAfterMs: 5000 })));
    const ctx = ctxFor(config(), [target("a")]);
    setTimeout(() => ctx.abort.abort(new DOMException("client disconnected", "AbortError")), 20);
    const t0 = performance.now();
    await expect(callProvider(ctx)).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(calls).toHaveLength(1);
  });
});

describe("callProvider and upstream auth failures", () => {
  it("falls back on an upstream 401, and hides a final one for the gateway's own key behind a 502", async () => {
    script.push(
      () => Promise.reject(new UpstreamError("openai", 401, "Incorrect API key provided: sk-abc***wxyz")),
      () => Promise.reject(new UpstreamError("anthropic", 401, "invalid x-api-key")),
    );
    const ctx = ctxFor(config(), [{ ...target("a"), apiKey: "gateway-key" }, { ...target("b"), apiKey: "gateway-key-2" }]);
    const err = await callProvider(ctx).catch((e) => e);
    expect(calls).toHaveLength(2);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect(err.status).toBe(502);
    expect(err.message).not.toContain("sk-abc");
  });

  it("passes a 401 through when the key was the caller's own (local mode)", async () => {
    script.push(() => Promise.reject(new UpstreamError("openai", 401, "Incorrect API key provided")));
    const ctx = ctxFor(config(), [{ ...target("a"), apiKey: "callers-key" }]);
    ctx.caller = { kind: "anonymous-local", keyHash: "h", models: [], passThroughKey: "callers-key" };
    await expect(callProvider(ctx)).rejects.toMatchObject({ status: 401, message: "Incorrect API key provided" });
  });
});
