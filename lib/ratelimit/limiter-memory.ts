// In-process rate limiter for the embedded (single-instance) mode. JavaScript runs one check at a
// time, so a check is atomic by construction. Counters live two windows (they are read as the
// "previous" window for one more window) and are swept as time moves on.
import "server-only";
import { evaluateWindow, windowStart, WINDOW_MS, type ChargedEntry, type CheckResult, type LimitEntry, type RateLimiter } from "./limiter";

export interface MemoryRateLimiterOptions {
  windowMs?: number;
  /** Upper bound on counters; beyond it the oldest windows are dropped first. */
  maxCounters?: number;
}

interface Counter {
  n: number;
  /** Last charge (ms); undefined when only adjusted. */
  t: number | undefined;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory" as const;
  private readonly windowMs: number;
  private readonly maxCounters: number;
  /** "<key>@<windowStartMs>" → count and last charge. Insertion order is roughly window order. */
  private readonly counters = new Map<string, Counter>();
  private sweptWindow = -Infinity;

  constructor(opts: MemoryRateLimiterOptions = {}) {
    this.windowMs = opts.windowMs ?? WINDOW_MS;
    this.maxCounters = opts.maxCounters ?? 200_000;
  }

  get size(): number {
    return this.counters.size;
  }

  async check(entries: LimitEntry[], nowMs: number): Promise<CheckResult> {
    const start = windowStart(nowMs, this.windowMs);
    this.sweep(start);
    const prevStart = start - this.windowMs;
    let denied: { index: number; retryAfterMs: number } | undefined;
    const remaining: number[] = [];
    entries.forEach((e, index) => {
      const p = this.counters.get(this.id(e.key, prevStart));
      const c = this.counters.get(this.id(e.key, start));
      const counts = { previous: p?.n ?? 0, previousLastMs: p?.t, current: c?.n ?? 0, currentLastMs: c?.t };
      const v = evaluateWindow(counts, e.cost, e.limit, nowMs, this.windowMs);
      if (v.fits) remaining.push(v.remaining);
      else if (!denied || v.retryAfterMs > denied.retryAfterMs) denied = { index, retryAfterMs: v.retryAfterMs };
    });
    if (denied) return { allowed: false, ...denied };
    for (const e of entries) if (e.cost > 0) this.add(e.key, start, e.cost, nowMs);
    return { allowed: true, windowStartMs: start, remaining };
  }

  async adjust(entry: ChargedEntry, delta: number): Promise<void> {
    if (!delta) return;
    const id = this.id(entry.key, entry.windowStartMs);
    const cur = this.counters.get(id);
    // A window already swept (older than the previous one) no longer matters.
    if (entry.windowStartMs < this.sweptWindow - this.windowMs) return;
    if (cur === undefined && delta < 0) return;
    // Like the Redis script: a counter created by an adjustment has no last-charge time.
    this.counters.set(id, { n: Math.max(0, (cur?.n ?? 0) + Math.round(delta)), t: cur?.t });
  }

  private id(key: string, start: number): string {
    return `${key}@${start}`;
  }

  private add(key: string, start: number, by: number, nowMs: number): void {
    const id = this.id(key, start);
    const cur = this.counters.get(id);
    if (cur === undefined && this.counters.size >= this.maxCounters) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    this.counters.set(id, { n: (cur?.n ?? 0) + by, t: Math.max(cur?.t ?? nowMs, nowMs) });
  }

  /** Once per window: drops counters older than the previous window. */
  private sweep(start: number): void {
    if (start === this.sweptWindow) return;
    this.sweptWindow = start;
    const keep = start - this.windowMs;
    for (const id of this.counters.keys()) {
      const at = Number(id.slice(id.lastIndexOf("@") + 1));
      if (at < keep) this.counters.delete(id);
    }
  }
}
