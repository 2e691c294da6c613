import { describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import { restoreCompletion, restoreStream } from "./restore-response";
import { TokenMap } from "./token-map";

function tokens() {
  const t = new TokenMap();
  t.placeholderFor("PERSON", "Ada Lovelace");
  t.placeholderFor("PERSON", 'Bob "B" Smith');
  return t;
}

const head = { id: "c", object: "chat.completion.chunk" as const, created: 1, model: "m" };
const chunk = (choices: ChatCompletionChunk["choices"]): ChatCompletionChunk => ({ ...head, choices });

describe("restoreCompletion", () => {
  it("restores content and tool-call arguments (JSON-escaped) of every choice, on a copy", () => {
    const c: ChatCompletion = {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "Hi <PERSON_1>", refusal: null }, finish_reason: "stop", logprobs: null },
        {
          index: 1,
          message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"to":"<PERSON_2>"}' } }] },
          finish_reason: "tool_calls",
          logprobs: null,
        },
      ],
    };
    const r = restoreCompletion(c, tokens());
    expect(r.choices[0].message.content).toBe("Hi Ada Lovelace");
    expect(JSON.parse(r.choices[1].message.tool_calls![0].function.arguments)).toEqual({ to: 'Bob "B" Smith' });
    expect(c.choices[0].message.content).toBe("Hi <PERSON_1>");
  });
});

describe("restoreStream", () => {
  it("restores placeholders split across chunks per choice, flushes at finish, and reports originals", async () => {
    const upstream = [
      chunk([{ index: 0, delta: { content: "Hi <PER" }, finish_reason: null }, { index: 1, delta: { content: "Yo <PERSON_" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: "SON_1>!" }, finish_reason: null }, { index: 1, delta: { content: "2> <PER" }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }, { index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":"<PERSON_1' } }] }, finish_reason: null }]),
      chunk([{ index: 1, delta: {}, finish_reason: "stop" }]),
    ];
    const originals: ChatCompletionChunk[] = [];
    const out: ChatCompletionChunk[] = [];
    for await (const c of restoreStream({ async *[Symbol.asyncIterator]() { yield* upstream; } }, tokens(), (c) => originals.push(c))) out.push(c);
    const text = (i: number) => out.flatMap((c) => c.choices.filter((x) => x.index === i).map((x) => x.delta.content ?? "")).join("");
    expect(text(0)).toBe("Hi Ada Lovelace!");
    expect(text(1)).toBe('Yo Bob "B" Smith <PER');
    const args = out.flatMap((c) => c.choices.flatMap((x) => x.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? "")).join("");
    expect(args).toBe('{"a":"<PERSON_1'); // an unfinished placeholder is released as is at the end
    expect(originals).toEqual(upstream);
  });
});
