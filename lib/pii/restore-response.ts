// Tokenized values go back into the answer the client receives — never into what is cached or
// logged: the cache keeps the placeholder version (it is reusable: the next request with the same
// placeholders restores its own values).
import "server-only";
import type { ChatCompletion, ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import type { ChunkStream } from "@/lib/providers/types";
import type { TokenMap } from "./token-map";
import { createStreamRestorer, jsonStringEscape, restore, type StreamRestorer } from "./tokenizer-restore";

/** A copy of the completion with placeholders restored in content and tool-call arguments. */
export function restoreCompletion(completion: ChatCompletion, tokens: TokenMap): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((c) => ({
      ...c,
      message: {
        ...c.message,
        content: typeof c.message.content === "string" ? restore(c.message.content, tokens) : c.message.content,
        ...(c.message.tool_calls
          ? {
              tool_calls: c.message.tool_calls.map((t) => ({
                ...t,
                function: { ...t.function, arguments: restore(t.function.arguments, tokens, { escape: jsonStringEscape }) },
              })),
            }
          : {}),
      },
    })),
  };
}

/**
 * The stream with placeholders restored. A restorer per choice (and per tool call) holds back
 * only a suffix that could still become a placeholder, and releases it before the choice's finish
 * chunk. Chunks are copied: `onOriginal` sees each one as the upstream sent it (for the cache).
 */
export function restoreStream(stream: ChunkStream, tokens: TokenMap, onOriginal?: (chunk: ChatCompletionChunk) => void): ChunkStream {
  return {
    async *[Symbol.asyncIterator]() {
      const content = new Map<number, StreamRestorer>();
      const args = new Map<string, StreamRestorer>();
      const forContent = (i: number) => content.get(i) ?? content.set(i, createStreamRestorer(tokens)).get(i)!;
      const forArgs = (i: number, t: number) => {
        const k = `${i}:${t}`;
        return args.get(k) ?? args.set(k, createStreamRestorer(tokens, { escape: jsonStringEscape })).get(k)!;
      };
      let last: ChatCompletionChunk | undefined;
      for await (const chunk of stream) {
        onOriginal?.(chunk);
        last = chunk;
        yield {
          ...chunk,
          choices: chunk.choices.map((c) => {
            const delta = { ...c.delta };
            if (typeof delta.content === "string") delta.content = forContent(c.index).push(delta.content);
            if (delta.tool_calls) {
              delta.tool_calls = delta.tool_calls.map((t) =>
                t.function?.arguments ? { ...t, function: { ...t.function, arguments: forArgs(c.index, t.index).push(t.function.arguments) } } : t,
              );
            }
            if (c.finish_reason) {
              // Whatever was held back goes out before the choice ends.
              const rest = content.get(c.index)?.flush() ?? "";
              if (rest) delta.content = (delta.content ?? "") + rest;
              content.delete(c.index);
              for (const [k, r] of args) {
                const [choice, tool] = k.split(":").map(Number);
                if (choice !== c.index) continue;
                const tail = r.flush();
                args.delete(k);
                if (tail) delta.tool_calls = [...(delta.tool_calls ?? []), { index: tool, function: { arguments: tail } }];
              }
            }
            return { ...c, delta };
          }),
        };
      }
      // A stream that ended without finish chunks: release what is left in one last chunk.
      const tail = [...content.entries()].map(([index, r]) => ({ index, text: r.flush() })).filter((t) => t.text !== "");
      if (last && tail.length > 0) {
        yield { ...last, choices: tail.map((t) => ({ index: t.index, delta: { content: t.text }, finish_reason: null })), usage: undefined };
      }
    },
  };
}
