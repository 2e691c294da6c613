// Every embedding the semantic cache asks for is timed here, whichever model serves it.
import "server-only";
import { recordEmbedding } from "@/lib/metrics/prometheus";
import type { Embedder, EmbedResult } from "./types";

async function timed<T>(model: string, work: Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work;
  recordEmbedding(model, (performance.now() - started) / 1000);
  return result;
}

/** The same embedder, observing helix_embedding_duration_seconds on each successful call. */
export function timedEmbedder(e: Embedder): Embedder {
  const embedDetailed = e.embedDetailed;
  return {
    get id() {
      return e.id;
    },
    // An API embedder learns its width from its first answer: read through, never copied.
    get dimensions() {
      return e.dimensions;
    },
    get maxInputTokens() {
      return e.maxInputTokens;
    },
    embed: (texts: string[]) => timed(e.id, e.embed(texts)),
    ...(embedDetailed ? { embedDetailed: (texts: string[]): Promise<EmbedResult> => timed(e.id, embedDetailed.call(e, texts)) } : {}),
    close: () => e.close(),
  };
}
