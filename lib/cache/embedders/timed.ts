// Every embedding the semantic cache asks for is timed here, whichever model serves it.
import "server-only";
import { recordEmbedding } from "@/lib/metrics/prometheus";
import type { Embedder, EmbedResult } from "./types";

/** What this process's embedding calls did lately, per model: for the dashboard's health page. */
export interface EmbedderCallStats {
  calls: number;
  errors: number;
  lastOkAt: Date | null;
  lastLatencyMs: number | null;
  lastErrorAt: Date | null;
  lastError: string | null;
}

const CALLS_KEY = Symbol.for("helix.embedders.calls");
function calls(): Map<string, EmbedderCallStats> {
  const g = globalThis as unknown as Record<symbol, Map<string, EmbedderCallStats> | undefined>;
  return (g[CALLS_KEY] ??= new Map());
}

/** The model's call record (zeros when it was never called in this process). */
export function embedderCallStats(model: string): EmbedderCallStats {
  const c = calls().get(model);
  return c ? { ...c } : { calls: 0, errors: 0, lastOkAt: null, lastLatencyMs: null, lastErrorAt: null, lastError: null };
}

async function timed<T>(model: string, work: Promise<T>): Promise<T> {
  const started = performance.now();
  const record = calls().get(model) ?? { calls: 0, errors: 0, lastOkAt: null, lastLatencyMs: null, lastErrorAt: null, lastError: null };
  calls().set(model, record);
  record.calls++;
  try {
    const result = await work;
    const ms = performance.now() - started;
    recordEmbedding(model, ms / 1000);
    record.lastOkAt = new Date();
    record.lastLatencyMs = Math.round(ms * 10) / 10;
    return result;
  } catch (err) {
    record.errors++;
    record.lastErrorAt = new Date();
    record.lastError = err instanceof Error ? err.message : String(err);
    throw err;
  }
}

/**
 * The same embedder, observing helix_embedding_duration_seconds on each successful call and
 * keeping the latest success (latency) and failure (message) per model: embedderCallStats().
 */
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
