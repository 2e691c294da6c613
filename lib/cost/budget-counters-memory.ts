// In-process budget counters (embedded mode: one instance, no Redis). Every operation runs to
// completion synchronously, so each is atomic like the Redis scripts.
import "server-only";
import type { BudgetCounters, CounterEntry, CounterState, ReserveResult, SettleResult, SettledState } from "./budget-counters";

interface Counter {
  spent: number;
  reservations: Map<string, { amount: number; expiresAt: number }>;
  expiresAt: number;
}

/**
 * Most counters kept. End users are named by clients, so their count is unbounded: beyond this the
 * least recently used counters without reservations are dropped. A dropped counter is not lost
 * spend: the next request finds it missing and it is seeded again from the database's rollups.
 */
export const MAX_MEMORY_COUNTERS = 100_000;

export class MemoryBudgetCounters implements BudgetCounters {
  readonly kind = "memory" as const;
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly maxCounters = MAX_MEMORY_COUNTERS) {}

  get size(): number {
    return this.counters.size;
  }

  async reserve(requestId: string, entries: CounterEntry[], estimateMicros: number, reservationTtlMs: number, now: number): Promise<ReserveResult> {
    const found = this.lookup(entries, now);
    const missing = found.flatMap((c, i) => (c ? [] : [i]));
    if (missing.length > 0) return { status: "missing", missing };
    const counters = found as Counter[];
    for (const c of counters) {
      purge(c, now);
      c.reservations.delete(requestId);
    }
    const states = counters.map(state);
    const denied = entries.findIndex((e, i) => e.hard && e.limitMicros !== undefined && states[i].spentMicros + states[i].reservedMicros >= e.limitMicros);
    if (denied >= 0) return { status: "denied", index: denied, states };
    counters.forEach((c, i) => {
      c.reservations.set(requestId, { amount: estimateMicros, expiresAt: now + reservationTtlMs });
      c.expiresAt = now + entries[i].ttlMs;
    });
    return { status: "ok", states: counters.map(state) };
  }

  async settle(requestId: string, entries: CounterEntry[], actualMicros: number, now: number): Promise<SettleResult> {
    const found = this.lookup(entries, now);
    const missing = found.flatMap((c, i) => (c ? [] : [i]));
    if (missing.length > 0) return { status: "missing", missing };
    const states: SettledState[] = (found as Counter[]).map((c, i) => {
      purge(c, now);
      c.reservations.delete(requestId);
      const before = c.spent;
      c.spent += actualMicros;
      c.expiresAt = now + entries[i].ttlMs;
      return { spentBeforeMicros: before, ...state(c) };
    });
    return { status: "ok", states };
  }

  async release(requestId: string, entries: CounterEntry[], now: number): Promise<void> {
    for (const c of this.lookup(entries, now)) c?.reservations.delete(requestId);
  }

  async read(entries: CounterEntry[], now: number): Promise<(CounterState | null)[]> {
    return this.lookup(entries, now).map((c) => {
      if (!c) return null;
      purge(c, now);
      return state(c);
    });
  }

  async seed(entry: CounterEntry, spentMicros: number, now: number): Promise<void> {
    const c = this.lookup([entry], now)[0];
    if (c) return;
    if (this.counters.size >= this.maxCounters) this.evict();
    this.counters.set(entry.counterKey, { spent: spentMicros, reservations: new Map(), expiresAt: now + entry.ttlMs });
  }

  /** Drops the least recently used tenth of the counters, sparing those holding reservations. */
  private evict(): void {
    let toDrop = Math.max(1, Math.floor(this.maxCounters / 10));
    for (const [k, c] of this.counters) {
      if (toDrop === 0) break;
      if (c.reservations.size > 0) continue;
      this.counters.delete(k);
      toDrop--;
    }
  }

  private lookup(entries: CounterEntry[], now: number): (Counter | undefined)[] {
    this.sweep(now);
    return entries.map((e) => {
      const c = this.counters.get(e.counterKey);
      if (c && c.expiresAt <= now) {
        this.counters.delete(e.counterKey);
        return undefined;
      }
      if (c) {
        // Map order is recency order: eviction takes from the front.
        this.counters.delete(e.counterKey);
        this.counters.set(e.counterKey, c);
      }
      return c;
    });
  }

  private lastSweep = Number.NEGATIVE_INFINITY;
  /** Drops counters past their expiry, at most once a minute of the budget clock. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000 && now >= this.lastSweep) return;
    this.lastSweep = now;
    for (const [k, c] of this.counters) if (c.expiresAt <= now) this.counters.delete(k);
  }
}

function purge(c: Counter, now: number): void {
  for (const [id, r] of c.reservations) if (r.expiresAt <= now) c.reservations.delete(id);
}

function state(c: Counter): CounterState {
  let reserved = 0;
  for (const r of c.reservations.values()) reserved += r.amount;
  return { spentMicros: c.spent, reservedMicros: reserved };
}
