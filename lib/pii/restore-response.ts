// Tokenized values go back into the answer the client receives — never into what is cached or
// logged: the cache keeps the placeholder version (it is reusable: the next request with the same
// placeholders restores its own values).
import "server-only";
import type { ChatCompletion, ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import type { ChunkStream } from "@/lib/providers/types";
import type { TokenMap } from "./token-map";
import { transformChunks } from "./stream-transform";
import { createStreamRestorer, jsonStringEscape, restore } from "./tokenizer-restore";

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
 * The stream with placeholders restored: a restorer per choice (and per tool call) holds back only
 * a suffix that could still become a placeholder. `onOriginal` sees each chunk as the upstream
 * sent it (for the cache).
 */
export function restoreStream(stream: ChunkStream, tokens: TokenMap, onOriginal?: (chunk: ChatCompletionChunk) => void): ChunkStream {
  return transformChunks(
    stream,
    { content: () => createStreamRestorer(tokens), args: () => createStreamRestorer(tokens, { escape: jsonStringEscape }) },
    onOriginal,
  );
}
