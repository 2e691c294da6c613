// Where cached answers live, keyed by the exact-cache hash. The semantic index points at the same
// entries, so an answer is stored once however it is found.
import "server-only";
import type { CachedAnswer } from "./cached-answer";

export interface AnswerFilter {
  hashes?: string[];
  /** The requested model name. */
  model?: string;
  tenant?: string;
  all?: true;
}

export interface AnswerStore {
  readonly kind: "redis" | "memory";
  get(hash: string): Promise<CachedAnswer | undefined>;
  set(hash: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
  /** Removes matching entries; returns how many. */
  delete(filter: AnswerFilter): Promise<number>;
  stats(): Promise<{ entries: number; bytes?: number }>;
}

export function matchesFilter(answer: CachedAnswer, filter: AnswerFilter): boolean {
  if (filter.all) return true;
  if (filter.model !== undefined && answer.requestedModel !== filter.model) return false;
  if (filter.tenant !== undefined && answer.tenant !== filter.tenant) return false;
  return filter.model !== undefined || filter.tenant !== undefined;
}

/**
 * A stored entry, or undefined when it is not one this version can serve (an older format, a
 * corrupt value): a bad entry is a miss, never a 500.
 */
export function readAnswer(json: string): CachedAnswer | undefined {
  try {
    const a = JSON.parse(json) as Partial<CachedAnswer>;
    if (a?.v !== 1 || !a.completion || !Array.isArray(a.completion.choices) || typeof a.tenant !== "string") return undefined;
    return a as CachedAnswer;
  } catch {
    return undefined;
  }
}
