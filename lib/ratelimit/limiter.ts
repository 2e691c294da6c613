// Rate-limit counters behind one interface: Redis (shared by every instance) or in-process
// (embedded mode). Pure: no I/O here, only the shared types and the window arithmetic that the
// memory limiter runs in TypeScript and the Redis limiter runs in Lua (limiter-redis.ts keeps the
// two in step; its integration test compares them on the same inputs).
//
// Algorithm: sliding window counter (Cloudflare's approach). Each limit keeps one integer counter
// per fixed window (a minute); the usage "in the last minute" is estimated as
//     previous window × (share of the previous window still inside the sliding minute) + current.
// Why not a sliding log: a log stores one entry per request (per token batch for tpm), so memory
// and Lua time grow with the limit (a 100k tpm limit could mean thousands of entries per key), and
// correcting a token estimate after the response would have to find and rewrite the right entry.
// The counter needs two integers per limit, costs O(1) per check, makes `adjust` a plain
// INCRBY, and errs only by assuming the previous minute's traffic was spread evenly (Cloudflare
// measured 0.003 % of requests wrongly allowed or limited on real traffic).

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

export type WindowVerdict = { fits: true; remaining: number } | { fits: false; retryAfterMs: number };

/**
 * The sliding-window decision for one counter. `previous` and `current` are the counts of the
 * previous and current fixed windows. A cost larger than the whole limit is treated as the limit
 * (it fits only when the window is otherwise empty) so an over-estimated request is delayed, never
 * refused forever.
 *
 * Retry-after, when it does not fit: within the current window the estimate falls as the previous
 * window's weight decays, so the wait is until previous × weight ≤ limit − cost − current; when the
 * current window alone is too full, until the next window, where today's count becomes the decaying
 * "previous". Always at least 1 ms and less than two windows.
 */
export function evaluateWindow(
  previous: number,
  current: number,
  cost: number,
  limit: number,
  nowMs: number,
  windowMs = WINDOW_MS,
): WindowVerdict {
  const start = windowStart(nowMs, windowMs);
  const need = Math.min(cost, limit);
  const weight = (windowMs - (nowMs - start)) / windowMs;
  const estimate = previous * weight + current;
  if (estimate + need <= limit) {
    return { fits: true, remaining: Math.max(0, Math.floor(limit - estimate - need)) };
  }
  let at: number;
  const room = limit - need - current;
  if (room >= 0 && previous > 0) {
    at = start + windowMs - (windowMs * room) / previous;
  } else {
    // Next window: the current count decays as the previous one (room there is limit - need ≥ 0).
    at = start + 2 * windowMs - (windowMs * (limit - need)) / Math.max(current, 1);
    at = Math.max(at, start + windowMs);
  }
  return { fits: false, retryAfterMs: Math.max(1, Math.ceil(at - nowMs)) };
}
