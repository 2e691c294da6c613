// Rate-limit counters behind one interface: Redis (shared by every instance) or in-process
// (embedded mode). Pure: no I/O here, only the shared types and the window arithmetic that the
// memory limiter runs in TypeScript and the Redis limiter runs in Lua (limiter-redis.ts keeps the
// two in step; its integration test compares them on the same inputs).
//
// Algorithm: sliding window counter (Cloudflare's approach) with one refinement. Each limit keeps
// one counter per fixed window (a minute) plus the time of that window's last charge; the usage
// "in the last minute" is estimated as
//     previous window × (share of the previous window still inside the sliding minute) + current,
// where the previous window counts 0 once its last charge is a minute old (then every request it
// holds is provably outside the sliding minute). The refinement keeps retry-after within a minute
// of the last charge (a burst at 0:03 frees up at 1:03, where plain weighting would say 1:12) and
// never under-counts.
// Why not a sliding log: a log stores one entry per request (per token batch for tpm), so memory
// and Lua time grow with the limit (a 100k tpm limit could mean thousands of entries per key), and
// correcting a token estimate after the response would have to find and rewrite the right entry.
// The counter needs two small hashes per limit, costs O(1) per check, makes `adjust` a plain
// HINCRBY, and errs only by assuming the previous minute's traffic was spread evenly up to its last
// charge (Cloudflare measured 0.003 % of requests wrongly allowed or limited with plain weighting).

/** The window every limit is counted over: "per minute". */
export const WINDOW_MS = 60_000;

/** One counter to check and charge. */
export interface LimitEntry {
  /** Identifies the counter, e.g. "key:key_abc:rpm" (the limiter adds its prefix and window). */
  key: string;
  /** Allowed units (requests or tokens) per window; a positive integer. */
  limit: number;
  /** Units this request adds (1 for requests, the token estimate for tokens); a non-negative integer. */
  cost: number;
}

/** Where an admitted entry was charged, so an adjustment lands in the same window. */
export interface ChargedEntry {
  key: string;
  windowStartMs: number;
}

export type CheckResult =
  | {
      allowed: true;
      /** Start of the window the costs were added to. */
      windowStartMs: number;
      /** Per entry (same order): units left under the limit after this request, never below 0. */
      remaining: number[];
    }
  | {
      allowed: false;
      /** Index of the entry that denied (the one that frees up last when several deny). */
      index: number;
      /** Milliseconds until that entry would admit this request (if no other traffic came); ≥ 1. */
      retryAfterMs: number;
    };

export interface RateLimiter {
  readonly kind: "redis" | "memory";
  /**
   * Atomically: when every entry fits its limit, adds every entry's cost and allows; otherwise
   * changes nothing and denies, naming the entry and when the request would fit.
   */
  check(entries: LimitEntry[], nowMs: number): Promise<CheckResult>;
  /**
   * Adds `delta` (negative allowed) to the counter charged at admission; the counter never drops
   * below zero. Used to replace a token estimate with the actual usage.
   */
  adjust(entry: ChargedEntry, delta: number): Promise<void>;
}

/** Start of the window that contains `nowMs`. */
export function windowStart(nowMs: number, windowMs = WINDOW_MS): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** One counter's two fixed windows. */
export interface WindowCounts {
  previous: number;
  /** When the previous window was last charged; unknown: its end (plain weighting). */
  previousLastMs?: number;
  current: number;
  /** When the current window was last charged; unknown: its end. */
  currentLastMs?: number;
}

export type WindowVerdict = { fits: true; remaining: number } | { fits: false; retryAfterMs: number };

/**
 * The sliding-window decision for one counter. A cost larger than the whole limit is treated as
 * the limit (it fits only when the window is otherwise empty) so an over-estimated request is
 * delayed, never refused forever.
 *
 * Retry-after, when it does not fit: if the current window has room, until the previous window's
 * share has decayed enough (previous × weight ≤ limit − cost − current) or its last charge is a
 * minute old, whichever comes first; if the current window alone is too full, until its count,
 * decaying as the next window's "previous", leaves room, or its last charge is a minute old.
 * Always at least 1 ms. (Assumes no other traffic meanwhile, as any retry-after does.)
 */
export function evaluateWindow(counts: WindowCounts, cost: number, limit: number, nowMs: number, windowMs = WINDOW_MS): WindowVerdict {
  const { previous, current } = counts;
  const start = windowStart(nowMs, windowMs);
  const previousLast = counts.previousLastMs ?? start;
  const need = Math.min(cost, limit);
  const weight = (windowMs - (nowMs - start)) / windowMs;
  const previousShare = nowMs - windowMs >= previousLast ? 0 : previous * weight;
  const estimate = previousShare + current;
  if (estimate + need <= limit) {
    return { fits: true, remaining: Math.max(0, Math.floor(limit - estimate - need)) };
  }
  let at: number;
  const room = limit - need - current;
  if (room >= 0 && previous > 0) {
    at = Math.min(start + windowMs - (windowMs * room) / previous, previousLast + windowMs);
  } else {
    // Next window: the current count decays as the previous one (room there is limit - need ≥ 0).
    at = Math.max(start + 2 * windowMs - (windowMs * (limit - need)) / Math.max(current, 1), start + windowMs);
    at = Math.min(at, (counts.currentLastMs ?? start + windowMs) + windowMs);
  }
  return { fits: false, retryAfterMs: Math.max(1, Math.ceil(at - nowMs)) };
}
