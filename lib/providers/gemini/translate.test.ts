import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest, EmbeddingsRequest } from "@/lib/gateway/openai-contract";
import { BadGatewayError, InvalidRequestError, UpstreamError } from "@/lib/errors";
import { collect, sseEvents } from "../test-events";
import { withoutCredentials } from "../http";
import {
  fromGeminiEmbeddings,
  fromGeminiResponse,
  mapGeminiUsage,
  toGeminiEmbedRequest,
  toGeminiRequest,
  translateGeminiStream,
} from "./translate";

const req = (r: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ model: "gemini", messages: [], ...r }) as ChatCompletionRequest;

describe("toGeminiRequest", () => {
  it("system → systemInstruction, roles user/model, consecutive turns merged", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "a" },
          { role: "user", content: [{ type: "text", text: "b" }] },
          { role: "assistant", content: "c" },
          { role: "user", content: "d" },
        ],
      }),
    );
    expect(out.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(out.contents).toEqual([
      { role: "user", parts: [{ text: "a" }, { text: "b" }] },
      { role: "model", parts: [{ text: "c" }] },
      { role: "user", parts: [{ text: "d" }] },
    ]);
    expect(out.generationConfig).toBeUndefined();
  });

  it("images: data: URLs → inlineData, http → fileData", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what?" },
              { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
              { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            ],
          },
        ],
      }),
    );
    expect(out.contents[0].parts).toEqual([
      { text: "what?" },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
      { fileData: { mimeType: "image/png", fileUri: "https://example.com/a.png" } },
    ]);
  });

  it("tool calls → functionCall, tool results → functionResponse named from the earlier call", () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: "user", content: "weather?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
              { id: "call_2", type: "function", function: { name: "time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
          { role: "tool", tool_call_id: "call_2", content: "noon" },
        ],
        tools: [
          { type: "function", function: { name: "weather", description: "W", parameters: { type: "object", additionalProperties: false } } },
          { type: "function", function: { name: "time" } },
        ],
        tool_choice: { type: "function", function: { name: "weather" } },
      }),
    );
    expect(out.contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: { name: "weather", args: { city: "Paris" } } }, { functionCall: { name: "time", args: {} } }],
    });
    expect(out.contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "weather", response: { temp: 21 } } },
        { functionResponse: { name: "time", response: { content: "noon" } } },
      ],
    });
    expect(out.tools).toEqual([
      {
        functionDeclarations: [
          { name: "weather", description: "W", parametersJsonSchema: { type: "object", additionalProperties: false } },
          { name: "time" },
        ],
      },
    ]);
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] } });
  });

  it("thought signatures round-trip through the tool call id", () => {
    const res = fromGeminiResponse(
      { candidates: [{ content: { parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "c2lnbmF0dXJl" }] }, finishReason: "STOP" }] },
      "m",
    );
    const call = res.choices[0].message.tool_calls![0];
    const back = toGeminiRequest(
      req({
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "done" },
        ],
      }),
    );
    expect(back.contents[1].parts[0]).toEqual({ functionCall: { name: "f", args: {} }, thoughtSignature: "c2lnbmF0dXJl" });
    expect(back.contents[2].parts[0].functionResponse?.name).toBe("f");
  });

  it("a tool result for an unknown call id is a clear 400", () => {
    expect(() => toGeminiRequest(req({ messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] }))).toThrow(InvalidRequestError);
  });

  it("tool_choice modes", () => {
    const tools = [{ type: "function" as const, function: { name: "f" } }];
    const mode = (tool_choice: ChatCompletionRequest["tool_choice"]) =>
      toGeminiRequest(req({ messages: [{ role: "user", content: "x" }], tools, tool_choice })).toolConfig?.functionCallingConfig.mode;
    expect(mode("auto")).toBe("AUTO");
    expect(mode("required")).toBe("ANY");
    expect(mode("none")).toBe("NONE");
    expect(mode(undefined)).toBeUndefined();
  });

  it("generationConfig and JSON mode", () => {
    const out = toGeminiRequest(
      req({
        messages: [{ role: "user", content: "x" }],
        temperature: 0.3,
        top_p: 0.8,
        max_tokens: 50,
        stop: ["END"],
        n: 2,
        seed: 7,
        response_format: { type: "json_schema", json_schema: { name: "t", schema: { type: "object" } } },
      }),
    );
    expect(out.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.8,
      maxOutputTokens: 50,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 7,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object" },
    });
    expect(toGeminiRequest(req({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } })).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
  });
});

describe("fromGeminiResponse", () => {
  it("candidates → choices, functionCall → tool_calls with generated ids, usage with thoughts and cache", () => {
    const out = fromGeminiResponse(
      {
        candidates: [
          { index: 0, content: { role: "model", parts: [{ text: "thinking…", thought: true }, { text: "Hello" }] }, finishReason: "STOP" },
          { index: 1, content: { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "Paris" } } }] }, finishReason: "STOP" },
        ],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 3, cachedContentTokenCount: 4, totalTokenCount: 18 },
        modelVersion: "gemini-2.5-flash-001",
      },
      "gemini-2.5-flash",
    );
    expect(out.model).toBe("gemini-2.5-flash-001");
    expect(out.choices[0].message.content).toBe("Hello");
    expect(out.choices[0].finish_reason).toBe("stop");
    expect(out.choices[1].message.content).toBeNull();
    expect(out.choices[1].message.tool_calls?.[0].id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(out.choices[1].message.tool_calls?.[0].function).toEqual({ name: "weather", arguments: '{"city":"Paris"}' });
    expect(out.choices[1].finish_reason).toBe("tool_calls");
    expect(out.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 8,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it("finish reasons and blocked prompts", () => {
    const fr = (finishReason: string) =>
      fromGeminiResponse({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] }, "m").choices[0].finish_reason;
    expect(fr("MAX_TOKENS")).toBe("length");
    expect(fr("SAFETY")).toBe("content_filter");
    expect(fr("RECITATION")).toBe("content_filter");
    const blocked = fromGeminiResponse({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 3 } }, "m");
    expect(blocked.choices[0].finish_reason).toBe("content_filter");
    expect(mapGeminiUsage(undefined).total_tokens).toBe(0);
  });
});

describe("translateGeminiStream", () => {
  it("events → role, content, finish and usage chunks", async () => {
    const chunks = await collect(
      translateGeminiStream(
        sseEvents([
          { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }], modelVersion: "gemini-x" },
          {
            candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, finishReason: "STOP", index: 0 }],
            usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
            modelVersion: "gemini-x",
          },
        ]),
        "m",
      ),
    );
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
    expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe("stop");
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } });
  });

  it("function calls stream as complete tool_calls deltas and finish with tool_calls", async () => {
    const chunks = await collect(
      translateGeminiStream(
        sseEvents([{ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: { q: 1 } } }] }, finishReason: "STOP" }] }]),
        "m",
      ),
    );
    const tc = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(tc).toHaveLength(1);
    expect(tc[0]).toMatchObject({ index: 0, type: "function", function: { name: "f", arguments: '{"q":1}' } });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("tool_calls");
  });

  it("no finishReason → unexpected end; error payload → UpstreamError", async () => {
    const cut = await collect(translateGeminiStream(sseEvents([{ candidates: [{ content: { parts: [{ text: "Hi" }] } }] }]), "m")).catch(
      (e: unknown) => e,
    );
    expect(cut).toBeInstanceOf(BadGatewayError);
    expect((cut as Error).message).toMatch(/stream ended unexpectedly/);
    const err = await collect(translateGeminiStream(sseEvents([{ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } }]), "m")).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
  });

  it("an error payload quoting the key that was sent is cleaned of it", async () => {
    const key = "AIza-canary-0123456789abcdef";
    const scrub = (t: string) => withoutCredentials(t, { "x-goog-api-key": key });
    const err = await collect(translateGeminiStream(sseEvents([{ error: { code: 400, message: `API key not valid: ${key}`, status: "INVALID_ARGUMENT" } }]), "m", scrub)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).not.toContain(key);
    expect((err as Error).message).toContain("****");
  });
});

describe("embeddings", () => {
  it("single input → embedContent, list → batchEmbedContents", () => {
    const single = toGeminiEmbedRequest({ model: "e", input: "hello", dimensions: 256 } as EmbeddingsRequest, "text-embedding-004");
    expect(single).toEqual({ single: true, body: { content: { parts: [{ text: "hello" }] }, outputDimensionality: 256 } });
    const batch = toGeminiEmbedRequest({ model: "e", input: ["a", "b"] } as EmbeddingsRequest, "models/text-embedding-004");
    expect(batch.body).toEqual({
      requests: [
        { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] } },
        { model: "models/text-embedding-004", content: { parts: [{ text: "b" }] } },
      ],
    });
    expect(() => toGeminiEmbedRequest({ model: "e", input: [1, 2] } as EmbeddingsRequest, "x")).toThrow(InvalidRequestError);
  });

  it("maps back to the OpenAI shape, base64 when asked", () => {
    const out = fromGeminiEmbeddings({ embeddings: [{ values: [0.5, 1] }, { values: [2, 0] }] }, { model: "e", input: ["abcd", "efgh"] }, "te");
    expect(out.data).toEqual([
      { object: "embedding", index: 0, embedding: [0.5, 1] },
      { object: "embedding", index: 1, embedding: [2, 0] },
    ]);
    expect(out.usage.prompt_tokens).toBe(2);
    const b64 = fromGeminiEmbeddings({ embedding: { values: [0.5] } }, { model: "e", input: "x", encoding_format: "base64" }, "te");
    expect(Buffer.from(b64.data[0].embedding as string, "base64").readFloatLE(0)).toBe(0.5);
  });
});
