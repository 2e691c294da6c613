import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import { chunksForHit, completionForHit, completionFromChunks, type CachedAnswer } from "./cached-answer";

const head = { id: "chatcmpl-1", object: "chat.completion.chunk" as const, created: 100, model: "gpt-4o-mini" };
const chunk = (choices: ChatCompletionChunk["choices"], usage?: ChatCompletionChunk["usage"]): ChatCompletionChunk => ({ ...head, choices, ...(usage ? { usage } : {}) });
const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

describe("completionFromChunks", () => {
  it("rebuilds text, tool calls, finish reason and usage", () => {
    const c = completionFromChunks([
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: "Hel" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: "lo" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"a"' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
      chunk([], usage),
    ])!;
    expect(c.object).toBe("chat.completion");
    expect(c.choices[0].message.content).toBe("Hello");
    expect(c.choices[0].message.tool_calls).toEqual([{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }]);
    expect(c.choices[0].finish_reason).toBe("tool_calls");
    expect(c.usage).toEqual(usage);
  });

  it("refuses a stream that did not finish (never cache a truncated answer)", () => {
    expect(completionFromChunks([chunk([{ index: 0, delta: { content: "Hel" }, finish_reason: null }])])).toBeUndefined();
    expect(completionFromChunks([])).toBeUndefined();
  });
});

describe("serving a hit", () => {
  const answer: CachedAnswer = {
    v: 1,
    completion: {
      id: "chatcmpl-orig",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello", refusal: null }, finish_reason: "stop", logprobs: null }],
      usage,
    },
    requestedModel: "gpt-4o-mini",
    tenant: "t",
    provider: "openai",
    storedAt: 0,
    upstreamLatencyMs: 500,
  };

  it("is a fresh completion (new id and time), same content", () => {
    const c = completionForHit(answer);
    expect(c.id).not.toBe("chatcmpl-orig");
    expect(c.created).toBeGreaterThan(1);
    expect(c.choices).toEqual(answer.completion.choices);
  });

  it("replays as a well-formed stream that rebuilds to the same answer", () => {
    const chunks = chunksForHit(answer);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-1)!.usage).toEqual(usage);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const rebuilt = completionFromChunks(chunks)!;
    expect(rebuilt.choices).toEqual(answer.completion.choices);
  });
});
