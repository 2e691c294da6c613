import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { BadGatewayError, UpstreamError } from "@/lib/errors";
import { collect, sseEvents } from "../test-events";
import { groqChunkUsage, prepareGroqChat } from "../groq/provider";
import { buildChatBody, joinUrl, openAIHeaders, translateOpenAIStream } from "./base";
import { withoutCredentials } from "../http";

const target = { provider: "openai" as const, upstreamModel: "gpt-4o-mini-2024-07-18", apiBase: "https://api.openai.com/v1", apiKey: "sk-1" };

describe("buildChatBody", () => {
  const req = {
    model: "fast",
    messages: [{ role: "user", content: "hi" }],
    temperature: 0.2,
    some_new_field: { keep: true },
  } as unknown as ChatCompletionRequest;

  it("forwards the request as-is with the upstream model", () => {
    expect(buildChatBody({ id: "openai" }, { ...req, stream: false, stream_options: { include_usage: true } }, target, false)).toEqual({
      model: "gpt-4o-mini-2024-07-18",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      some_new_field: { keep: true },
    });
  });

  it("streams always ask for usage, keeping other stream_options", () => {
    const body = buildChatBody({ id: "openai" }, { ...req, stream_options: { include_usage: false, x: 1 } as never }, target, true);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true, x: 1 });
  });
});

describe("joinUrl and headers", () => {
  it("joins paths and keeps a query string (Azure api-version)", () => {
    expect(joinUrl("https://api.openai.com/v1/", "/chat/completions")).toBe("https://api.openai.com/v1/chat/completions");
    expect(joinUrl("https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21", "/chat/completions")).toBe(
      "https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
    );
  });

  it("bearer only with a key; extra headers win", () => {
    expect(openAIHeaders(target)).toEqual({ authorization: "Bearer sk-1" });
    expect(openAIHeaders({ ...target, apiKey: undefined })).toEqual({});
    expect(openAIHeaders({ ...target, apiKey: undefined, headers: { "api-key": "az" } })).toEqual({ "api-key": "az" });
  });
});

describe("groq quirks", () => {
  it("drops logit_bias, rejects logprobs and n>1", () => {
    expect(prepareGroqChat({ model: "m", logit_bias: { "1": 2 }, logprobs: false, n: 1 })).toEqual({ model: "m" });
    expect(() => prepareGroqChat({ model: "m", n: 2 })).toThrow(/n=1/);
    expect(() => prepareGroqChat({ model: "m", logprobs: true })).toThrow(/logprobs/);
  });
  it("reads x_groq.usage", () => {
    expect(groqChunkUsage({ x_groq: { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } } })).toEqual({
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
    });
    expect(groqChunkUsage({})).toBeUndefined();
  });
});

const c = (content: string | null, extra: object = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-x",
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra,
});
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

describe("translateOpenAIStream", () => {
  it("an error event quoting the key that was sent is cleaned of it", async () => {
    const key = "sk-proj-canary-0123456789abcdef";
    const scrub = (t: string) => withoutCredentials(t, { authorization: `Bearer ${key}` });
    const err = await collect(translateOpenAIStream({ id: "openai" }, sseEvents([c("He"), { error: { message: `Incorrect API key provided: ${key}` } }]), scrub)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toBe("Incorrect API key provided: ****");
  });

  it("passes chunks through and requires [DONE]", async () => {
    const out = await collect(translateOpenAIStream({ id: "openai" }, sseEvents([c("He"), c("y"), { ...c(null), choices: [], usage }, "[DONE]"])));
    expect(out).toHaveLength(3);
    expect(out[2]).toMatchObject({ choices: [], usage });
    const err = await collect(translateOpenAIStream({ id: "openai" }, sseEvents([c("He")]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/stream ended unexpectedly/);
  });

  it("moves usage reported on a content chunk (or x_groq) into a final usage chunk", async () => {
    const out = await collect(translateOpenAIStream({ id: "openai-compatible" }, sseEvents([c("a"), c("b", { usage }), "[DONE]"])));
    expect(out[1].usage).toBeNull();
    expect(out[2]).toMatchObject({ id: "chatcmpl-1", choices: [], usage });
    const groq = await collect(
      translateOpenAIStream({ id: "groq", extraChunkUsage: groqChunkUsage }, sseEvents([c("a", { x_groq: { usage } }), "[DONE]"])),
    );
    expect(groq[groq.length - 1]).toMatchObject({ choices: [], usage });
  });

  it("an error object inside the stream is an UpstreamError", async () => {
    const err = await collect(translateOpenAIStream({ id: "openai" }, sseEvents([c("a"), { error: { message: "boom", type: "server_error" } }]))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toBe("boom");
  });
});
