// Stored budgets (the budgets table): one row per scope (key, user, end user, team, org, or the
// gateway: scope "global", id "global"), as the admin API creates, replaces and deletes them.
// lib/cost/budget-definitions.ts caches all rows for the request path.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { BudgetPeriod, BudgetScope } from "@/lib/cost/cost-schema";
import { getDb } from "./db";
import { scopeRecordExists } from "./scope-exists";

export interface BudgetRecord {
  id: string;
  scope: BudgetScope;
  scopeId: string;
  /** Null: no spend limit (the row carries rate limits only). */
  maxBudgetMicros: number | null;
  period: BudgetPeriod;
  periodDays: number | null;
  timezone: string;
  soft: boolean;
  /** Empty: the config's alert_thresholds. */
  alertThresholds: number[];
  rpm: number | null;
  tpm: number | null;
  anchor: Date;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/** What a PUT stores (everything but the identity and timestamps). */
export type BudgetData = Omit<BudgetRecord, "id" | "scope" | "scopeId" | "createdAt" | "updatedAt" | "updatedBy">;

type Row = {
  id: string;
  scopeType: string;
  scopeId: string;
  maxBudgetMicros: bigint | null;
  period: string;
  periodDays: number | null;
  timezone: string;
  soft: boolean;
  alertThresholds: number[];
  rpm: number | null;
  tpm: number | null;
  anchor: Date;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
};

function toRecord(r: Row): BudgetRecord {
  return {
    id: r.id,
    scope: r.scopeType as BudgetScope,
    scopeId: r.scopeId,
    maxBudgetMicros: r.maxBudgetMicros === null ? null : Number(r.maxBudgetMicros),
    period: r.period as BudgetPeriod,
    periodDays: r.periodDays,
    timezone: r.timezone,
    soft: r.soft,
    alertThresholds: r.alertThresholds,
    rpm: r.rpm,
    tpm: r.tpm,
    anchor: r.anchor,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

export interface BudgetStoreOptions {
  db: () => Promise<PrismaClient>;
}

export class BudgetStore {
  private readonly db: () => Promise<PrismaClient>;

  constructor(opts: BudgetStoreOptions) {
    this.db = opts.db;
  }

  async list(scope?: BudgetScope): Promise<BudgetRecord[]> {
    const db = await this.db();
    const rows = await db.budget.findMany({ where: scope ? { scopeType: scope } : {}, orderBy: [{ scopeType: "asc" }, { scopeId: "asc" }] });
    return rows.map(toRecord);
  }

  async get(scope: BudgetScope, scopeId: string): Promise<BudgetRecord | null> {
    const db = await this.db();
    const row = await db.budget.findUnique({ where: { scopeType_scopeId: { scopeType: scope, scopeId } } });
    return row ? toRecord(row) : null;
  }

  /** Whether the key, user, team or org exists (end users and the global scope always do). */
  async scopeExists(scope: BudgetScope, scopeId: string): Promise<boolean> {
    if (scope === "end_user") return true;
    if (scope === "global") return scopeId === "global";
    return scopeRecordExists(await this.db(), scope, scopeId);
  }

  /** Creates or replaces the scope's budget (a PUT: the row becomes exactly `data`). */
  async put(scope: BudgetScope, scopeId: string, data: BudgetData, updatedBy: string): Promise<{ budget: BudgetRecord; created: boolean }> {
    const db = await this.db();
    const where = { scopeType_scopeId: { scopeType: scope, scopeId } };
    const before = await db.budget.findUnique({ where, select: { id: true } });
    const fields = {
      maxBudgetMicros: data.maxBudgetMicros === null ? null : BigInt(Math.round(data.maxBudgetMicros)),
      period: data.period,
      periodDays: data.periodDays,
      timezone: data.timezone,
      soft: data.soft,
      alertThresholds: data.alertThresholds,
      rpm: data.rpm,
      tpm: data.tpm,
      anchor: data.anchor,
      updatedBy,
    };
    const row = await db.budget.upsert({ where, create: { scopeType: scope, scopeId, ...fields }, update: fields });
    return { budget: toRecord(row), created: before === null };
  }

  async delete(scope: BudgetScope, scopeId: string): Promise<boolean> {
    const db = await this.db();
    const { count } = await db.budget.deleteMany({ where: { scopeType: scope, scopeId } });
    return count > 0;
  }
}

// ---- default store over the process-wide database ----------------------------------------------

const GLOBAL_KEY = Symbol.for("helix.store.budgets");
export function budgetStore(): BudgetStore {
  const g = globalThis as unknown as Record<symbol, BudgetStore | undefined>;
  return (g[GLOBAL_KEY] ??= new BudgetStore({ db: getDb }));
}
