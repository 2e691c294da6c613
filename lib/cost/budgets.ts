// Budget enforcement: before the provider call a request reserves its estimated cost on every
// budget that applies to it (key, user, end user, team, org, gateway) at once, or is refused with
// 429 budget_exceeded when a hard budget is spent; after the response the reservation is settled
// with the true cost (or released when nothing was spent).
//
// Guarantees (see budget-counters.ts): admission is "spent + reserved < limit" on every hard
// budget, so concurrent requests overshoot a limit by at most one request's cost, on one instance
// or many. Soft budgets never refuse; they are counted for alerts and budget_used_pct.
//
// Availability: budgets fail open. When Redis (or the database, for definitions and hydration) is
// unavailable, requests are admitted and a throttled warning is logged; nothing here crashes a
// request or waits longer than the store's own command timeout. Costs settled while the store was
// down are not in the counters; the database stays the truth and seeds counters of new periods.
import "server-only";
import { BudgetExceededError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { getDb } from "@/lib/store/db";
import { getKv, type KeyValueStore } from "@/lib/store/kv";
import { spendSince } from "@/lib/store/usage-rollups";
import type { RedisKv } from "@/lib/store/kv-redis";
import { COUNTER_GRACE_MS, counterKey, type BudgetCounters, type CounterEntry, type CounterState } from "./budget-counters";
import { MemoryBudgetCounters } from "./budget-counters-memory";
import { RedisBudgetCounters } from "./budget-counters-redis";
import { budgetDefinitions, type BudgetConfig, type BudgetDefinitions, type BudgetSubject } from "./budget-definitions";
import type { BudgetDefinition, BudgetSettlement, BudgetUsage } from "./budget-types";
import { nowMs } from "./clock";
import type { BudgetScope } from "./cost-schema";
import { periodWindow, type PeriodWindow } from "./periods";

/** The database's truth: micro-USD the scope spent since `since` (hydrates missing counters). */
export type SpendSource = (scope: BudgetScope, scopeId: string, since: Date) => Promise<number>;

export interface BudgetRequest extends BudgetSubject {
  /** The gateway's request id: reservations are kept (and settled) under it. */
  requestId: string;
  /** Worst-case cost of the request in micro-USD (prompt + reserved output tokens). */
  estimateMicros: number;
  /** helix_settings.cost_optimization. */
  config: BudgetConfig;
}

/** One budget the request reserved on. */
export interface ReservedBudget {
  definition: BudgetDefinition;
  entry: CounterEntry;
  periodStart: Date;
  resetAt: Date;
}

export interface Reservation {
  requestId: string;
  /** Empty: nothing enforced (disabled, no budgets, or failed open). */
  entries: ReservedBudget[];
  /** Each budget's counters right after the reservation (reserved includes this request's estimate). */
  usages: BudgetUsage[];
  /** The highest spent/limit of any applicable budget (hard or soft), in percent; 0 without budgets. */
  usedPct: number;
}

export interface BudgetServiceOptions {
  counters: () => BudgetCounters;
  definitions: BudgetDefinitions;
  spendSource: SpendSource;
  /** How long a reservation holds budget if its request never settles (crashed instance). */
  reservationTtlMs?: number;
  /** Bound on a hydration query; past it the request fails open. */
  spendSourceTimeoutMs?: number;
  /** Throttled by the service: at most one message per minute. */
  warn?: (message: string, err?: unknown) => void;
}

const EMPTY = (requestId: string): Reservation => ({ requestId, entries: [], usages: [], usedPct: 0 });

export class BudgetService {
  private readonly counters: () => BudgetCounters;
  readonly definitions: BudgetDefinitions;
  private readonly spendSource: SpendSource;
  private readonly reservationTtlMs: number;
  private readonly spendSourceTimeoutMs: number;
  private readonly warnSink: (message: string, err?: unknown) => void;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private readonly windows = new Map<string, PeriodWindow>();

  constructor(opts: BudgetServiceOptions) {
    this.counters = opts.counters;
    this.definitions = opts.definitions;
    this.spendSource = opts.spendSource;
    this.reservationTtlMs = opts.reservationTtlMs ?? 15 * 60_000;
    this.spendSourceTimeoutMs = opts.spendSourceTimeoutMs ?? 3_000;
    this.warnSink = opts.warn ?? (() => {});
  }

  /**
   * Reserves the estimate on every budget of the request; throws BudgetExceededError when a hard
   * budget is spent. With cost_optimization.enabled false, or while the stores are unavailable,
   * nothing is enforced (an empty reservation).
   */
  async reserve(req: BudgetRequest): Promise<Reservation> {
    if (!req.config.enabled) return EMPTY(req.requestId);
    try {
      const defs = (await this.definitions.budgetsFor(req, req.config)).filter((d) => d.limitMicros !== undefined);
      if (defs.length === 0) return EMPTY(req.requestId);
      const now = nowMs();
      const entries = defs.map((d) => this.reserved(d, now));
      const counters = entries.map((e) => e.entry);
      const estimate = wholeMicros(req.estimateMicros);
      for (let attempt = 0; ; attempt++) {
        const r = await this.counters().reserve(req.requestId, counters, estimate, this.reservationTtlMs, now);
        if (r.status === "missing") {
          if (attempt >= 2) throw new Error(`budget counters still missing after seeding: ${r.missing.map((i) => counters[i].counterKey).join(", ")}`);
          await this.hydrate(r.missing.map((i) => entries[i]), now);
          continue;
        }
        const usages = entries.map((e, i) => usage(e, r.states[i]));
        if (r.status === "denied") throw exceeded(usages[r.index], entries[r.index].definition, now);
        return { requestId: req.requestId, entries, usages, usedPct: usedPct(usages) };
      }
    } catch (err) {
      if (err instanceof BudgetExceededError) throw err;
      this.warn("budgets not enforced for this request (store unavailable)", err);
      return EMPTY(req.requestId);
    }
  }

  /** After the response: the reservation becomes the request's true cost. Never throws. */
  async settle(reservation: Reservation, actualMicros: number): Promise<BudgetSettlement[]> {
    const entries = reservation.entries;
    if (entries.length === 0) return [];
    const actual = wholeMicros(actualMicros);
    const now = nowMs();
    try {
      const counters = entries.map((e) => e.entry);
      for (let attempt = 0; ; attempt++) {
        const r = await this.counters().settle(reservation.requestId, counters, actual, now);
        if (r.status === "missing") {
          if (attempt >= 2) throw new Error("budget counters still missing after seeding");
          await this.hydrate(r.missing.map((i) => entries[i]), now);
          continue;
        }
        return entries.map((e, i) => ({
          ...usage(e, r.states[i]),
          spentBeforeMicros: r.states[i].spentBeforeMicros,
          period: e.definition.period,
          ...(e.definition.periodDays !== undefined ? { periodDays: e.definition.periodDays } : {}),
        }));
      }
    } catch (err) {
      this.warn("a request's cost could not be added to its budgets (store unavailable)", err);
      return [];
    }
  }

  /** The request ended without cost (denied later in the pipeline, failed upstream). Never throws. */
  async release(reservation: Reservation): Promise<void> {
    if (reservation.entries.length === 0) return;
    try {
      await this.counters().release(reservation.requestId, reservation.entries.map((e) => e.entry), nowMs());
    } catch (err) {
      this.warn("a budget reservation could not be released (it expires by itself)", err);
    }
  }

  /** A budget's current period as the admin API shows it (hydrating its counter if needed). Throws when the store is down. */
  async status(definition: BudgetDefinition): Promise<BudgetUsage> {
    return (await this.statuses([definition]))[0];
  }

  /** The current periods of many budgets: one counter read, hydration only for missing counters. */
  async statuses(definitions: BudgetDefinition[]): Promise<BudgetUsage[]> {
    if (definitions.length === 0) return [];
    const now = nowMs();
    const entries = definitions.map((d) => this.reserved(d, now));
    const counters = this.counters();
    let states = await counters.read(entries.map((e) => e.entry), now);
    const missing = entries.filter((_, i) => states[i] === null);
    if (missing.length > 0) {
      await this.hydrate(missing, now);
      states = await counters.read(entries.map((e) => e.entry), now);
    }
    return entries.map((e, i) => usage(e, states[i] ?? { spentMicros: 0, reservedMicros: 0 }));
  }

  private reserved(definition: BudgetDefinition, now: number): ReservedBudget {
    const w = this.window(definition, now);
    return {
      definition,
      periodStart: w.start,
      resetAt: w.resetAt,
      entry: {
        counterKey: counterKey(definition.scope, definition.scopeId, w.start),
        limitMicros: definition.limitMicros,
        hard: !definition.soft,
        ttlMs: w.resetAt.getTime() + COUNTER_GRACE_MS - now,
      },
    };
  }

  /** The period window, memoised per period shape until it ends (Intl is not free). */
  private window(d: BudgetDefinition, now: number): PeriodWindow {
    const key = `${d.period}|${d.periodDays ?? ""}|${d.timezone}|${d.period === "days" ? d.anchor.getTime() : ""}`;
    const w = this.windows.get(key);
    if (w && w.start.getTime() <= now && now < w.resetAt.getTime()) return w;
    const fresh = periodWindow({ period: d.period, periodDays: d.periodDays, timezone: d.timezone, anchor: d.anchor }, now);
    if (this.windows.size > 10_000) this.windows.clear();
    this.windows.set(key, fresh);
    return fresh;
  }

  /** Seeds missing counters with the database's spend since their period started. */
  private async hydrate(entries: ReservedBudget[], now: number): Promise<void> {
    const counters = this.counters();
    await Promise.all(
      entries.map(async (e) => {
        const spent = await withTimeout(
          this.spendSource(e.definition.scope, e.definition.scopeId, e.periodStart),
          this.spendSourceTimeoutMs,
          `spend of ${e.definition.scope} '${e.definition.scopeId}'`,
        );
        await counters.seed(e.entry, wholeMicros(spent), now);
      }),
    );
  }

  private warn(message: string, err: unknown): void {
    const t = Date.now();
    if (t - this.lastWarnAt < 60_000) return;
    this.lastWarnAt = t;
    this.warnSink(message, err);
  }
}

/** A non-negative whole number of micro-USD (NaN and negatives count as 0). */
function wholeMicros(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0;
}

function usage(e: ReservedBudget, s: CounterState): BudgetUsage {
  return {
    scope: e.definition.scope,
    scopeId: e.definition.scopeId,
    limitMicros: e.definition.limitMicros ?? 0,
    spentMicros: s.spentMicros,
    reservedMicros: s.reservedMicros,
    periodStart: e.periodStart,
    resetAt: e.resetAt,
    soft: e.definition.soft,
    alertThresholds: e.definition.alertThresholds,
  };
}

/** spent / limit in percent (a $0 limit counts as 100 % used). */
export function usagePct(u: Pick<BudgetUsage, "spentMicros" | "limitMicros">): number {
  if (u.limitMicros <= 0) return 100;
  return (u.spentMicros / u.limitMicros) * 100;
}

function usedPct(usages: BudgetUsage[]): number {
  return usages.reduce((m, u) => Math.max(m, usagePct(u)), 0);
}

/** $0.0102, $0.01, $12.50: at least two decimals, at most six (micro-USD), no trailing zeros beyond two. */
export function formatUsd(micros: number): string {
  const s = (micros / 1_000_000).toFixed(6).replace(/0+$/, "");
  const [whole, frac = ""] = s.split(".");
  return `$${whole}.${frac.padEnd(2, "0")}`;
}

export function scopeLabel(scope: BudgetScope, scopeId: string): string {
  if (scope === "global") return "the gateway (global budget)";
  const name = { key: "key", user: "user", end_user: "end user", team: "team", org: "org" }[scope];
  return `${name} '${scopeId}'`;
}

export function periodLabel(d: Pick<BudgetDefinition, "period" | "periodDays">): string {
  return d.period === "days" ? `every ${d.periodDays} days` : d.period;
}

function exceeded(u: BudgetUsage, d: BudgetDefinition, now: number): BudgetExceededError {
  const inFlight = u.reservedMicros > 0 ? ` (+${formatUsd(u.reservedMicros)} reserved by requests in flight)` : "";
  return new BudgetExceededError(
    `Budget exceeded for ${scopeLabel(u.scope, u.scopeId)}: spent ${formatUsd(u.spentMicros)}${inFlight} of ${formatUsd(u.limitMicros)} ` +
      `(${periodLabel(d)}, resets ${u.resetAt.toISOString()})`,
    { resetAt: u.resetAt, now, scope: u.scope, headers: { "x-helix-budget-scope": `${u.scope}:${encodeURIComponent(u.scopeId)}` } },
  );
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// ---- the process-wide service ---------------------------------------------------------------------

/** The usage rollups (every logged request's cost, per key, user, end user, team, org and globally). */
const rollupSpend: SpendSource = async (scope, scopeId, since) => spendSince(await getDb(), scope, scopeId, since);

interface ServiceGlobal {
  service?: BudgetService;
  spendSource: SpendSource;
  memory?: MemoryBudgetCounters;
  redis: WeakMap<KeyValueStore, RedisBudgetCounters>;
}
const GLOBAL_KEY = Symbol.for("helix.cost.budgets");
function state(): ServiceGlobal {
  const g = globalThis as unknown as Record<symbol, ServiceGlobal | undefined>;
  return (g[GLOBAL_KEY] ??= { spendSource: rollupSpend, redis: new WeakMap() });
}

/** The counters of the process-wide store: Redis when REDIS_URL is set, in-process otherwise. */
function defaultCounters(): BudgetCounters {
  const s = state();
  const kv = getKv();
  if (kv.kind === "redis") {
    let c = s.redis.get(kv);
    if (!c) s.redis.set(kv, (c = new RedisBudgetCounters(kv as RedisKv)));
    return c;
  }
  return (s.memory ??= new MemoryBudgetCounters());
}

/** Replaces the database spend that seeds missing counters (default: the usage rollups). */
export function setBudgetSpendSource(source: SpendSource): void {
  state().spendSource = source;
}

export function budgetService(): BudgetService {
  const s = state();
  return (s.service ??= new BudgetService({
    counters: defaultCounters,
    definitions: budgetDefinitions(),
    spendSource: (scope, id, since) => state().spendSource(scope, id, since),
    warn: (message, err) => logger().warn({ component: "budgets", err: err instanceof Error ? err.message : String(err) }, message),
  }));
}

/** Pipeline stage "budget reserve": throws BudgetExceededError (429) when a hard budget is spent. */
export function reserveBudgets(req: BudgetRequest): Promise<Reservation> {
  return budgetService().reserve(req);
}

/** After the response, with the request's cost: settlements for alerts (lib/cost/alerts.ts). */
export function settleBudgets(reservation: Reservation, actualMicros: number): Promise<BudgetSettlement[]> {
  return budgetService().settle(reservation, actualMicros);
}

/** A request that ends without cost. */
export function releaseBudgets(reservation: Reservation): Promise<void> {
  return budgetService().release(reservation);
}
