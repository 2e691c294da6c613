// Small builders for OpenAI-shaped objects that translated providers (Anthropic, Gemini) share.
import "server-only";
import { randomBytes } from "node:crypto";
import type { ChatCompletionChunk, Usage } from "@/lib/gateway/openai-contract";
import type { EventStream } from "./http";

/** `chatcmpl-` + 24 random base62-ish chars, like OpenAI's ids. */
export function newCompletionId(): string {
  return `chatcmpl-${randomToken(24)}`;
}

/** Tool call ids for providers that have none (Gemini). */
export function newToolCallId(): string {
  return `call_${randomToken(24)}`;
}

/** OpenAI's `created`: unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomToken(length: number): string {
  return randomBytes(length * 2)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, length);
}

/** `data:<mime>;base64,<data>` (image_url / file_data) → its parts; anything else → undefined. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/is.exec(url);
  return m ? { mediaType: m[1].toLowerCase(), data: m[2] } : undefined;
}

/** Fields every chunk of one stream shares. */
export interface ChunkHead {
  id: string;
  created: number;
  model: string;
}

export function chunk(head: ChunkHead, choices: ChatCompletionChunk["choices"], usage?: Usage): ChatCompletionChunk {
  const c: ChatCompletionChunk = { id: head.id, object: "chat.completion.chunk", created: head.created, model: head.model, choices };
  if (usage) c.usage = usage;
  return c;
}

/** The include_usage convention: a last chunk with `choices: []` and the usage. */
export function usageChunk(head: ChunkHead, usage: Usage): ChatCompletionChunk {
  return chunk(head, [], usage);
}

/**
 * Wraps a translating generator so that hanging up before the first `next()` still closes the
 * upstream (a generator that never started ignores `return()`).
 */
export function guardedStream<T>(events: EventStream, gen: AsyncGenerator<T>): AsyncIterable<T> {
  let handed = false;
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      if (handed) throw new Error("A provider stream can be iterated only once");
      handed = true;
      return {
        next: () => gen.next(),
        return: async (value?: unknown) => {
          events.close();
          return gen.return(value as T);
        },
        throw: async (err?: unknown) => {
          events.close();
          return gen.throw(err);
        },
      };
    },
  };
}
