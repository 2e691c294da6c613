import { describe, expect, it } from "vitest";
import { BadGatewayError } from "@/lib/errors";
import { parseConfigObject } from "@/lib/config/parse";
import type { ChatCompletionChunk } from "./openai-contract";
import { createContext } from "./context";
import { sseBody, type StreamOutcome } from "./sse";

function ctx() {
  const r = parseConfigObject({});
  if (!r.ok) throw new Error("config");
  return createContext(new Request("http://helix/v1/chat/completions", { method: "POST" }), "chat.completions", r.config);
}

const content = (text: string): ChatCompletionChunk => ({
  id: "s",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
});
const usage: ChatCompletionChunk = {
  id: "s",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

async function* from(chunks: ChatCompletionChunk[], fail?: Error) {
  for (const c of chunks) yield c;
  if (fail) throw fail;
}

async function read(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

describe("sseBody", () => {
  it("forwards chunks, ends with [DONE], and keeps usage for accounting even when the client did not ask", async () => {
    const c = ctx();
    const outcomes: StreamOutcome[] = [];
    const text = await read(sseBody(c, from([content("a"), content("b"), usage]), false, (o) => outcomes.push(o)));
    const events = text.trim().split("\n\n");
    expect(events).toHaveLength(3);
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(text).not.toContain("prompt_tokens");
    expect(c.usage?.total_tokens).toBe(5);
    // What was produced travels with the outcome: a usage-less stream is billed by counting it.
    expect(outcomes).toEqual([{ producedText: "ab" }]);
  });

  it("forwards the usage chunk when the client asked (include_usage)", async () => {
    const text = await read(sseBody(ctx(), from([content("a"), usage]), true, () => {}));
    expect(text).toContain('"prompt_tokens":3');
  });

  it("turns an error after the first byte into a final OpenAI-shaped error event", async () => {
    const outcomes: StreamOutcome[] = [];
    const text = await read(sseBody(ctx(), from([content("a")], new BadGatewayError("openai stream ended unexpectedly")), false, (o) => outcomes.push(o)));
    const last = JSON.parse(text.trim().split("\n\n").at(-1)!.slice("data: ".length));
    expect(last.error).toMatchObject({ type: "upstream_error", message: "openai stream ended unexpectedly" });
    expect(text).not.toContain("[DONE]");
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].error).toBeInstanceOf(BadGatewayError);
  });

  it("aborts the upstream and reports the disconnect when the client cancels", async () => {
    const c = ctx();
    let returned = false;
    const upstream: AsyncIterable<ChatCompletionChunk> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: content("x") }),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const outcomes: StreamOutcome[] = [];
    const reader = sseBody(c, upstream, false, (o) => outcomes.push(o)).getReader();
    await reader.read();
    await reader.cancel();
    expect(c.abort.signal.aborted).toBe(true);
    expect(returned).toBe(true);
    expect(outcomes).toEqual([{ clientDisconnected: true, producedText: "x" }]);
  });
});

describe("sseBody when the client is gone", () => {
  function endless(onReturn: () => void): AsyncIterable<ChatCompletionChunk> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<ChatCompletionChunk>>(() => {}),
        return: async () => {
          onReturn();
          return { done: true, value: undefined };
        },
      }),
    };
  }

  it("ends and closes the upstream on abort even if the body is never read or cancelled", async () => {
    const c = ctx();
    let returned = false;
    const outcomes: StreamOutcome[] = [];
    sseBody(c, endless(() => (returned = true)), false, (o) => outcomes.push(o));
    c.abort.abort(new DOMException("client disconnected", "AbortError"));
    await new Promise((r) => setImmediate(r));
    expect(outcomes).toEqual([{ clientDisconnected: true, producedText: "" }]);
    expect(returned).toBe(true);
  });

  it("records a disconnect, not an error, when the upstream fails because of the abort", async () => {
    const c = ctx();
    const outcomes: StreamOutcome[] = [];
    let reject!: (e: unknown) => void;
    const upstream: AsyncIterable<ChatCompletionChunk> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<ChatCompletionChunk>>((_, r) => (reject = r)),
        return: async () => ({ done: true, value: undefined }),
      }),
    };
    const reader = sseBody(c, upstream, false, (o) => outcomes.push(o)).getReader();
    const read = reader.read();
    await new Promise((r) => setImmediate(r));
    c.abort.abort(new DOMException("client disconnected", "AbortError"));
    reject(new DOMException("aborted", "AbortError"));
    await read.catch(() => {});
    expect(outcomes).toEqual([{ clientDisconnected: true, producedText: "" }]);
  });

  it("is ended at once for a client that left before the stream was built", () => {
    const c = ctx();
    c.abort.abort(new DOMException("client disconnected", "AbortError"));
    const outcomes: StreamOutcome[] = [];
    sseBody(c, endless(() => {}), false, (o) => outcomes.push(o));
    expect(outcomes).toEqual([{ clientDisconnected: true, producedText: "" }]);
  });
});
