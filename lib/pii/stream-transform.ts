// Rewrites the text of a chunk stream as it flows: each choice's content and each tool call's
// arguments get their own transformer (a placeholder restorer, an output scanner), which may hold
// text back; whatever is held is released before the choice's finish chunk, or in one last chunk
// when the stream ends without one.
import "server-only";
import type { ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import type { ChunkStream } from "@/lib/providers/types";

export interface TextTransformer {
  /** The next delta in; what can be emitted now out (possibly ""). */
  push(delta: string): string;
  /** End of the text: everything held back. */
  flush(): string;
}

export interface ChunkTransformers {
  content: () => TextTransformer;
  args: () => TextTransformer;
}

/** `onOriginal` sees each chunk as the upstream sent it (e.g. for the cache). Chunks are copied. */
export function transformChunks(stream: ChunkStream, make: ChunkTransformers, onOriginal?: (chunk: ChatCompletionChunk) => void): ChunkStream {
  return {
    async *[Symbol.asyncIterator]() {
      const content = new Map<number, TextTransformer>();
      const args = new Map<string, TextTransformer>();
      const forContent = (i: number) => content.get(i) ?? content.set(i, make.content()).get(i)!;
      const forArgs = (i: number, t: number) => {
        const k = `${i}:${t}`;
        return args.get(k) ?? args.set(k, make.args()).get(k)!;
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
      const argTails = [...args.entries()].map(([k, r]) => ({ k, text: r.flush() })).filter((t) => t.text !== "");
      if (last && (tail.length > 0 || argTails.length > 0)) {
        const choices = new Map<number, ChatCompletionChunk["choices"][number]>();
        const choice = (index: number) => choices.get(index) ?? choices.set(index, { index, delta: {}, finish_reason: null }).get(index)!;
        for (const t of tail) choice(t.index).delta.content = t.text;
        for (const t of argTails) {
          const [index, tool] = t.k.split(":").map(Number);
          const c = choice(index);
          c.delta.tool_calls = [...(c.delta.tool_calls ?? []), { index: tool, function: { arguments: t.text } }];
        }
        yield { ...last, choices: [...choices.values()], usage: undefined };
      }
    },
  };
}
