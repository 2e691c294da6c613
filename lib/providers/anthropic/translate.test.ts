import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { BadGatewayError, InvalidRequestError, UpstreamError } from "@/lib/errors";
import { collect, sseEvents } from "../test-events";
import { JSON_TOOL_NAME, fromAnthropicResponse, mapUsage, toAnthropicRequest, translateAnthropicStream } from "./translate";
import { withoutCredentials } from "../http";

const req = (r: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ model: "claude", messages: [], ...r }) as ChatCompletionRequest;

describe("toAnthropicRequest", () => {
  it("moves system/developer messages to `system` and defaults max_tokens", () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Use French." }] },
          { role: "user", content: "hi" },
        ],
      }),
      "claude-sonnet-4-5",
    );
    expect(out.model).toBe("claude-sonnet-4-5");
    expect(out.system).toBe("Be brief.\n\nUse French.");
    expect(out.max_tokens).toBe(4096);
    expect(out.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("maps sampling params: clamps temperature, stop → stop_sequences, user → metadata", () => {
    const out = toAnthropicRequest(
      req({ messages: [{ role: "user", content: "x" }], temperature: 1.7, top_p: 0.9, stop: "END", user: "u-1", max_completion_tokens: 77, max_tokens: 5 }),
      "m",
    );
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBe(0.9);
    expect(out.stop_sequences).toEqual(["END"]);
    expect(out.metadata).toEqual({ user_id: "u-1" });
    expect(out.max_tokens).toBe(77);
  });

  it("merges consecutive same-role turns and starts with a user turn", () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: "assistant", content: "Hello, how can I help?" },
          { role: "user", content: "one" },
          { role: "user", content: "two" },
          { role: "assistant", content: "three" },
        ],
      }),
      "m",
    );
    expect(out.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(out.messages[2].content).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
  });

  it("translates multi-part content: text, data: images, http images, cache_control", () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this?", cache_control: { type: "ephemeral" } },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            ],
          },
        ],
      } as Partial<ChatCompletionRequest>),
      "m",
    );
    expect(out.messages[0].content).toEqual([
      { type: "text", text: "what is this?", cache_control: { type: "ephemeral" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("rejects audio and n>1 clearly", () => {
    expect(() =>
      toAnthropicRequest(req({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }] }] }), "m"),
    ).toThrow(InvalidRequestError);
    expect(() => toAnthropicRequest(req({ messages: [{ role: "user", content: "x" }], n: 2 }), "m")).toThrow(/n must be 1/);
  });

  it("translates tools, tool calls and tool results (consecutive results in one user turn)", () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: "user", content: "weather in Paris and Rome?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
              { id: "toolu_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
          { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "rainy" }] },
          { role: "user", content: "thanks" },
        ],
        tools: [
          { type: "function", function: { name: "weather", description: "Get weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
          { type: "function", function: { name: "noop" } },
        ],
        tool_choice: "required",
        parallel_tool_calls: false,
      }),
      "m",
    );
    expect(out.tools).toEqual([
      { name: "weather", description: "Get weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
      { name: "noop", input_schema: { type: "object", properties: {} } },
    ]);
    expect(out.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(out.messages).toHaveLength(3);
    expect(out.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "weather", input: { city: "Rome" } },
      ],
    });
    expect(out.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: "sunny" },
        { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "rainy" }] },
        { type: "text", text: "thanks" },
      ],
    });
  });

  it("maps every tool_choice", () => {
    const tools = [{ type: "function" as const, function: { name: "f" } }];
    const tc = (tool_choice: ChatCompletionRequest["tool_choice"]) =>
      toAnthropicRequest(req({ messages: [{ role: "user", content: "x" }], tools, tool_choice }), "m").tool_choice;
    expect(tc("auto")).toEqual({ type: "auto" });
    expect(tc("none")).toEqual({ type: "none" });
    expect(tc({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" });
    expect(tc(undefined)).toBeUndefined();
  });

  it("gets JSON mode through a forced tool whose input schema is the requested one", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const out = toAnthropicRequest(
      req({
        messages: [{ role: "system", content: "S" }, { role: "user", content: "x" }],
        response_format: { type: "json_schema", json_schema: { name: "thing", schema } },
      }),
      "m",
    );
    expect(out.system).toBe("S");
    expect(out.tools).toEqual([expect.objectContaining({ name: JSON_TOOL_NAME, input_schema: schema })]);
    expect(out.tool_choice).toEqual({ type: "tool", name: JSON_TOOL_NAME });
    const plain = toAnthropicRequest(req({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } }), "m");
    expect(plain.tools?.[0].input_schema).toEqual({ type: "object" });
  });

  it("falls back to a system instruction for JSON mode when the client sends its own tools", () => {
    const out = toAnthropicRequest(
      req({
        messages: [{ role: "system", content: "S" }, { role: "user", content: "x" }],
        tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
        response_format: { type: "json_schema", json_schema: { name: "thing", schema: { type: "object" } } },
      }),
      "m",
    );
    expect(out.system).toMatch(/^S\n\nRespond only with a single valid JSON object.*"thing".*\{"type":"object"\}/);
    expect(out.tools?.map((t) => t.name)).toEqual(["f"]);
  });
});

describe("JSON mode answers", () => {
  it("turns the forced tool's input into content with finish_reason stop", () => {
    const out = fromAnthropicResponse(
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude",
        content: [{ type: "tool_use", id: "toolu_1", name: JSON_TOOL_NAME, input: { city: "Paris" } }],
        stop_reason: "tool_use",
        usage: { input_tokens: 3, output_tokens: 4 },
      } as never,
      true,
    );
    expect(out.choices[0].message.content).toBe('{"city":"Paris"}');
    expect(out.choices[0].message.tool_calls).toBeUndefined();
    expect(out.choices[0].finish_reason).toBe("stop");
  });

  it("streams the forced tool's input as content deltas", async () => {
    const events = sseEvents([
      { type: "message_start", message: { model: "claude", usage: { input_tokens: 3 } } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: JSON_TOOL_NAME, input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":' } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '"Paris"}' } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 4 } },
      { type: "message_stop" },
    ]);
    const chunks = await collect(translateAnthropicStream(events, "claude", true));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe('{"city":"Paris"}');
    expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("stop");
  });
});

describe("fromAnthropicResponse", () => {
  it("maps text, tool_use, stop reason and usage with cache tokens", () => {
    const out = fromAnthropicResponse({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_9", name: "weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
    });
    expect(out.id).toMatch(/^chatcmpl-/);
    expect(out.object).toBe("chat.completion");
    expect(out.model).toBe("claude-sonnet-4-5-20250929");
    expect(out.choices[0].message.content).toBe("Let me check.");
    expect(out.choices[0].message.tool_calls).toEqual([
      { id: "toolu_9", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
    ]);
    expect(out.choices[0].finish_reason).toBe("tool_calls");
    expect(out.usage).toEqual({ prompt_tokens: 130, completion_tokens: 5, total_tokens: 135, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 } });
  });

  it("maps stop reasons", () => {
    const r = (stop_reason: string) =>
      fromAnthropicResponse({ id: "m", type: "message", role: "assistant", model: "x", content: [{ type: "text", text: "a" }], stop_reason, usage: {} })
        .choices[0].finish_reason;
    expect(r("end_turn")).toBe("stop");
    expect(r("stop_sequence")).toBe("stop");
    expect(r("max_tokens")).toBe("length");
    expect(r("refusal")).toBe("content_filter");
  });

  it("usage without cache fields", () => {
    expect(mapUsage({ input_tokens: 3, output_tokens: 4 })).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
    });
  });
});

const streamStart = { type: "message_start", message: { id: "msg_1", model: "claude-x", usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 4 } } };

describe("translateAnthropicStream", () => {
  it("text stream → role chunk, content, finish, usage chunk; one id", async () => {
    const chunks = await collect(
      translateAnthropicStream(
        sseEvents([
          streamStart,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "ping" },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
          { type: "content_block_stop", index: 0 },
          { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } },
          { type: "message_stop" },
        ]),
        "fallback",
      ),
    );
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === "claude-x" && c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
    const finish = chunks[chunks.length - 2];
    expect(finish.choices[0].finish_reason).toBe("stop");
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 16, completion_tokens: 7, total_tokens: 23, prompt_tokens_details: { cached_tokens: 4, cache_creation_tokens: 0 } });
  });

  it("tool_use blocks → tool_calls deltas indexed among tool calls", async () => {
    const chunks = await collect(
      translateAnthropicStream(
        sseEvents([
          streamStart,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Checking." } },
          { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_a", name: "weather", input: {} } },
          { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } },
          { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Paris"}' } },
          { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_b", name: "time", input: {} } },
          { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "{}" } },
          { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 30 } },
          { type: "message_stop" },
        ]),
        "m",
      ),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: "toolu_a", type: "function", function: { name: "weather", arguments: "" } });
    expect(deltas.filter((d) => d.index === 0).map((d) => d.function?.arguments).join("")).toBe('{"city":"Paris"}');
    expect(deltas.find((d) => d.index === 1)).toMatchObject({ id: "toolu_b", function: { name: "time" } });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("tool_calls");
  });

  it("a stream without message_stop is an unexpected end", async () => {
    const err = await collect(
      translateAnthropicStream(
        sseEvents([streamStart, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }]),
        "m",
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/stream ended unexpectedly/);
  });

  it("an error event throws an UpstreamError", async () => {
    const err = await collect(
      translateAnthropicStream(sseEvents([streamStart, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]), "m"),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toBe("Overloaded");
    expect((err as UpstreamError).retryable).toBe(true);
  });

  it("an error event quoting the key that was sent is cleaned of it", async () => {
    const key = "sk-ant-canary-0123456789abcdef";
    const scrub = (t: string) => withoutCredentials(t, { "x-api-key": key });
    const err = await collect(
      translateAnthropicStream(sseEvents([streamStart, { type: "error", error: { type: "authentication_error", message: `invalid x-api-key: ${key}` } }]), "m", false, scrub),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toBe("invalid x-api-key: ****");
  });
});
