// Budget counters: per budget and period, the micro-USD spent and the micro-USD reserved by
// requests in flight. Two implementations with the same semantics: Redis (shared by every
// gateway instance; one Lua script per operation) and in-process (embedded mode).
//
// Admission: a request is admitted iff, for every hard budget, spent + reserved < limit; the
// request's estimate is then reserved on every budget at once. So concurrent requests overshoot a
// limit by at most one request's cost: the last one admitted saw spent + reserved below the limit,
// and everything admitted before it is either settled (in spent) or reserved with an estimate at
// least its actual cost. (A request whose estimate is too low can add the difference.)
//
// Reservations are kept per request id with an expiry, so an instance that crashes between reserve
// and settle cannot hold budget forever: the next operation on the counter purges expired ones.
//
// A counter that does not exist (first use, a new period, Redis flushed or restarted) is never
// treated as zero: reserve and settle report it as missing, the caller seeds it from the database's
// truth (seed has SETNX semantics, so two instances seeding at once keep the first value) and
// retries.

export interface CounterEntry {
  /** One budget in one period, e.g. `helix:{budget}:team:tm_1:1764460800000`. */
  counterKey: string;
  /** Undefined: never denies (tracked only). */
  limitMicros?: number;
  /** Hard budgets deny; soft ones only count. */
  hard: boolean;
  /** How long the counter lives from now: until a while after its period ends. */
  ttlMs: number;
}

export interface CounterState {
  spentMicros: number;
  reservedMicros: number;
}

export type ReserveResult =
  /** Reserved on every entry; the states include this reservation. */
  | { status: "ok"; states: CounterState[] }
  /** A hard entry is spent (index into entries); nothing was reserved. */
  | { status: "denied"; index: number; states: CounterState[] }
  /** These entries have no counter yet: seed them and retry. Nothing was changed. */
  | { status: "missing"; missing: number[] };

export interface SettledState extends CounterState {
  spentBeforeMicros: number;
}

export type SettleResult = { status: "ok"; states: SettledState[] } | { status: "missing"; missing: number[] };

export interface BudgetCounters {
  readonly kind: "redis" | "memory";
  /** `now` is nowMs(): the instant that expires reservations and against which TTLs count. */
  reserve(requestId: string, entries: CounterEntry[], estimateMicros: number, reservationTtlMs: number, now: number): Promise<ReserveResult>;
  /** Replaces the request's reservation by its actual cost (added to spent). */
  settle(requestId: string, entries: CounterEntry[], actualMicros: number, now: number): Promise<SettleResult>;
  /** Drops the request's reservation without cost. */
  release(requestId: string, entries: CounterEntry[], now: number): Promise<void>;
  /** The counters as they are (null: no counter yet); expired reservations are not counted. */
  read(entries: CounterEntry[], now: number): Promise<(CounterState | null)[]>;
  /** Creates the counter with this spend unless it exists (SETNX). */
  seed(entry: CounterEntry, spentMicros: number, now: number): Promise<void>;
}

/** Counters live this long after their period ends (late settlements, the admin API's last period). */
export const COUNTER_GRACE_MS = 2 * 86_400_000;

/** `helix:{budget}:<scope>:<id>:<periodStartMs>`; one hash tag so one script may touch many. */
export function counterKey(scope: string, scopeId: string, periodStart: Date): string {
  return `helix:{budget}:${scope}:${encodeURIComponent(scopeId)}:${periodStart.getTime()}`;
}
