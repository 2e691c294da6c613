// Which budgets apply to a request: the budgets table (all rows, cached in memory and refreshed at
// most every 5 s, at once after an edit on this instance, so an edit on another instance is seen
// within the refresh interval) plus the config's global_budget and end_user_budget.
import "server-only";
import { nowMs } from "./clock";
import { DEFAULT_ALERT_THRESHOLDS, type BudgetScope, type BudgetSpec } from "./cost-schema";
import type { BudgetDefinition } from "./budget-types";
import { logger } from "@/lib/observability/logger";
import { budgetStore, type BudgetRecord } from "@/lib/store/budgets";
import { ROLLUP_VALUE_MAX_CHARS } from "@/lib/store/usage-rollups";

/** The ids a request is attributed to (from the caller and the OpenAI `user` field). */
export interface BudgetSubject {
  keyId?: string;
  userId?: string;
  teamId?: string;
  orgId?: string;
  /** The request's `user` field. */
  endUser?: string;
}

/** The part of helix_settings.cost_optimization budgets read. */
export interface BudgetConfig {
  enabled: boolean;
  alert_thresholds?: number[];
  global_budget?: BudgetSpec;
  end_user_budget?: BudgetSpec;
}

/** End-user names are cut to this length, as the usage rollups store them. */
export const END_USER_MAX_CHARS = ROLLUP_VALUE_MAX_CHARS;

/** The scope id of the one gateway-wide budget. */
export const GLOBAL_SCOPE_ID = "global";

/** Config budgets have no stored anchor; "days" periods count from the epoch's day (the same on every instance). */
const CONFIG_ANCHOR = new Date(0);

export function definitionFromRecord(r: BudgetRecord, config: Pick<BudgetConfig, "alert_thresholds">): BudgetDefinition {
  return {
    scope: r.scope,
    scopeId: r.scopeId,
    limitMicros: r.maxBudgetMicros ?? undefined,
    period: r.period,
    periodDays: r.periodDays ?? undefined,
    timezone: r.timezone,
    soft: r.soft,
    alertThresholds: r.alertThresholds.length > 0 ? r.alertThresholds : (config.alert_thresholds ?? DEFAULT_ALERT_THRESHOLDS),
    rpm: r.rpm ?? undefined,
    tpm: r.tpm ?? undefined,
    anchor: r.anchor,
    source: "database",
  };
}

export function definitionFromSpec(scope: BudgetScope, scopeId: string, spec: BudgetSpec, config: Pick<BudgetConfig, "alert_thresholds">): BudgetDefinition {
  return {
    scope,
    scopeId,
    limitMicros: Math.round(spec.max_budget_usd * 1_000_000),
    period: spec.period,
    periodDays: spec.period_days,
    timezone: spec.timezone,
    soft: spec.soft,
    alertThresholds: spec.alert_thresholds ?? config.alert_thresholds ?? DEFAULT_ALERT_THRESHOLDS,
    anchor: CONFIG_ANCHOR,
    source: "config",
  };
}

export interface BudgetDefinitionsOptions {
  /** Every row of the budgets table. */
  load: () => Promise<BudgetRecord[]>;
  /** How long the cached rows serve before the next request reloads them. */
  refreshMs?: number;
  log?: (message: string) => void;
}

const rowKey = (scope: string, id: string) => `${scope}\u0000${id}`;

export class BudgetDefinitions {
  private readonly loadRows: () => Promise<BudgetRecord[]>;
  private readonly refreshMs: number;
  private readonly log: (message: string) => void;
  private rows: Map<string, BudgetRecord> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loadedAtWall = Number.NEGATIVE_INFINITY;
  private loading: { generation: number; promise: Promise<Map<string, BudgetRecord>> } | undefined;
  private generation = 0;

  constructor(opts: BudgetDefinitionsOptions) {
    this.loadRows = opts.load;
    this.refreshMs = opts.refreshMs ?? 5_000;
    this.log = opts.log ?? (() => {});
  }

  /** After an edit on this instance: the next lookup reloads. */
  invalidate(): void {
    this.generation++;
    this.loadedAt = Number.NEGATIVE_INFINITY;
    this.loadedAtWall = Number.NEGATIVE_INFINITY;
  }

  /** The stored row of one scope (cached). */
  async row(scope: BudgetScope, scopeId: string): Promise<BudgetRecord | undefined> {
    return (await this.all()).get(rowKey(scope, scopeId));
  }

  /** Budgets of the request's key, user, end user, team, org and the gateway, most specific first. */
  async budgetsFor(subject: BudgetSubject, config: BudgetConfig): Promise<BudgetDefinition[]> {
    const rows = await this.all();
    const out: BudgetDefinition[] = [];
    const stored = (scope: BudgetScope, id: string | undefined) => {
      const r = id === undefined ? undefined : rows.get(rowKey(scope, id));
      if (r) out.push(definitionFromRecord(r, config));
      return r !== undefined;
    };
    stored("key", subject.keyId);
    stored("user", subject.userId);
    if (subject.endUser !== undefined && subject.endUser !== "") {
      // As long as the usage rollups keep it (their spend seeds the counters).
      const endUser = subject.endUser.slice(0, END_USER_MAX_CHARS);
      if (!stored("end_user", endUser) && config.end_user_budget) {
        out.push(definitionFromSpec("end_user", endUser, config.end_user_budget, config));
      }
    }
    stored("team", subject.teamId);
    stored("org", subject.orgId);
    if (!stored("global", GLOBAL_SCOPE_ID) && config.global_budget) {
      out.push(definitionFromSpec("global", GLOBAL_SCOPE_ID, config.global_budget, config));
    }
    return out;
  }

  /** All stored rows, reloaded when older than the refresh interval. A failed reload keeps serving the last rows. */
  private async all(): Promise<Map<string, BudgetRecord>> {
    if (this.rows && this.fresh()) return this.rows;
    // A load started before an edit on this instance may miss it: start another.
    if (!this.loading || this.loading.generation !== this.generation) {
      const generation = this.generation;
      const promise = this.reload(generation).finally(() => {
        if (this.loading?.promise === promise) this.loading = undefined;
      });
      this.loading = { generation, promise };
    }
    try {
      return await this.loading.promise;
    } catch (err) {
      if (!this.rows) throw err;
      // Serve the last rows for another interval rather than retrying on every request.
      this.stamp();
      this.log(`budgets could not be reloaded (${err instanceof Error ? err.message : String(err)}); using the last loaded ones`);
      return this.rows;
    }
  }

  /**
   * Younger than the refresh interval on the budget clock (which tests move) and on the wall
   * clock (so a clock frozen by a test cannot keep rows forever).
   */
  private fresh(): boolean {
    const age = nowMs() - this.loadedAt;
    const wallAge = Date.now() - this.loadedAtWall;
    return age >= 0 && age < this.refreshMs && wallAge >= 0 && wallAge < this.refreshMs;
  }

  private stamp(): void {
    this.loadedAt = nowMs();
    this.loadedAtWall = Date.now();
  }

  private async reload(generation: number): Promise<Map<string, BudgetRecord>> {
    const started = { clock: nowMs(), wall: Date.now() };
    const rows = new Map((await this.loadRows()).map((r) => [rowKey(r.scope, r.scopeId), r]));
    if (generation === this.generation) {
      this.rows = rows;
      this.loadedAt = started.clock;
      this.loadedAtWall = started.wall;
    } else {
      this.rows ??= rows;
    }
    return rows;
  }
}

// ---- the process-wide definitions over the database ---------------------------------------------

const GLOBAL_KEY = Symbol.for("helix.cost.budget-definitions");

/** The process-wide cache of stored budgets. */
export function budgetDefinitions(): BudgetDefinitions {
  const g = globalThis as unknown as Record<symbol, BudgetDefinitions | undefined>;
  return (g[GLOBAL_KEY] ??= new BudgetDefinitions({
    load: () => budgetStore().list(),
    log: (m) => logger().warn({ component: "budgets" }, m),
  }));
}
