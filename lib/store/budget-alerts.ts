// Budget alerts: one row per (scope, period, threshold) crossed, whichever instance saw it first,
// with the state of its webhook deliveries. The unique constraint is what makes an alert fire once
// per threshold per period across any number of gateway instances.
import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getDb } from "./db";

export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "none"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface NewBudgetAlert {
  scope: string;
  scopeId: string;
  periodStart: Date;
  threshold: number;
  spendMicros: number;
  limitMicros: number;
  soft: boolean;
  createdAt: Date;
  /** The period's end and name (absent on rows written before they were kept). */
  resetAt?: Date | null;
  period?: string | null;
}

export interface BudgetAlertRecord extends NewBudgetAlert {
  id: string;
  deliveryStatus: DeliveryStatus;
  deliveryAttempts: number;
  deliveredAt: Date | null;
  lastError: string | null;
}

export interface AlertListQuery {
  scope?: string;
  scopeId?: string;
  /** 1..200 */
  limit: number;
  /** From a previous page's nextCursor. */
  cursor?: AlertCursor;
}

export interface AlertCursor {
  createdAt: Date;
  id: string;
}

export interface AlertPage {
  data: BudgetAlertRecord[];
  /** Set when there may be more (older) rows. */
  nextCursor: AlertCursor | null;
}

export interface BudgetAlertStoreOptions {
  db: () => Promise<PrismaClient>;
}

type Row = {
  id: string;
  scopeType: string;
  scopeId: string;
  periodStart: Date;
  threshold: number;
  spendMicros: bigint;
  limitMicros: bigint;
  soft: boolean;
  resetAt: Date | null;
  period: string | null;
  createdAt: Date;
  deliveryStatus: string;
  deliveryAttempts: number;
  deliveredAt: Date | null;
  lastError: string | null;
};

function toRecord(r: Row): BudgetAlertRecord {
  return {
    id: r.id,
    scope: r.scopeType,
    scopeId: r.scopeId,
    periodStart: r.periodStart,
    threshold: r.threshold,
    spendMicros: Number(r.spendMicros),
    limitMicros: Number(r.limitMicros),
    soft: r.soft,
    resetAt: r.resetAt,
    period: r.period,
    createdAt: r.createdAt,
    deliveryStatus: (DELIVERY_STATUSES as readonly string[]).includes(r.deliveryStatus) ? (r.deliveryStatus as DeliveryStatus) : "pending",
    deliveryAttempts: r.deliveryAttempts,
    deliveredAt: r.deliveredAt,
    lastError: r.lastError,
  };
}

/** last_error is for people: bounded so a receiver's error page cannot bloat the row. */
const MAX_ERROR_CHARS = 1_000;
const clip = (s: string | null) => (s === null ? null : s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS - 1)}…` : s);

export class BudgetAlertStore {
  private readonly db: () => Promise<PrismaClient>;

  constructor(opts: BudgetAlertStoreOptions) {
    this.db = opts.db;
  }

  /**
   * Records a crossing. Returns the new row, or null when this (scope, period, threshold) already
   * has one — written by this or another instance — in which case the caller must not deliver.
   */
  async insert(a: NewBudgetAlert): Promise<BudgetAlertRecord | null> {
    const db = await this.db();
    const id = `alert_${randomUUID().replace(/-/g, "")}`;
    // Timestamps go in as UTC wall-clock text (what Prisma stores in timestamp(3) columns), so the
    // same period start from two instances is the same value for the unique constraint.
    const rows = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO budget_alerts (id, scope_type, scope_id, period_start, threshold, spend_micros, limit_micros, soft, reset_at, period, created_at, delivery_status, delivery_attempts)
      VALUES (${id}, ${a.scope}, ${a.scopeId}, ${a.periodStart.toISOString()}::timestamp(3), ${a.threshold}::int4,
              ${String(Math.round(a.spendMicros))}::bigint, ${String(Math.round(a.limitMicros))}::bigint, ${a.soft},
              ${a.resetAt ? a.resetAt.toISOString() : null}::timestamp(3), ${a.period ?? null}::text,
              ${a.createdAt.toISOString()}::timestamp(3), 'pending', 0)
      ON CONFLICT (scope_type, scope_id, period_start, threshold) DO NOTHING
      RETURNING id`;
    if (rows.length === 0) return null;
    return { ...a, resetAt: a.resetAt ?? null, period: a.period ?? null, id, deliveryStatus: "pending", deliveryAttempts: 0, deliveredAt: null, lastError: null };
  }

  async get(id: string): Promise<BudgetAlertRecord | null> {
    const db = await this.db();
    const row = await db.budgetAlert.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** One delivery attempt made (whatever its outcome): visible while retries are still going on. */
  async recordAttempt(id: string, lastError: string | null): Promise<void> {
    const db = await this.db();
    await db.budgetAlert.updateMany({
      where: { id },
      data: { deliveryAttempts: { increment: 1 }, ...(lastError !== null ? { lastError: clip(lastError) } : {}) },
    });
  }

  /** The final state of the alert's deliveries. */
  async finish(id: string, status: Exclude<DeliveryStatus, "pending">, lastError: string | null, at: Date): Promise<void> {
    const db = await this.db();
    await db.budgetAlert.updateMany({
      where: { id },
      data: { deliveryStatus: status, lastError: clip(lastError), deliveredAt: status === "delivered" ? at : null },
    });
  }

  /** Rows still pending that were created before `createdBefore`, oldest first. */
  async pending(createdBefore: Date, limit = 100): Promise<BudgetAlertRecord[]> {
    const db = await this.db();
    const rows = await db.budgetAlert.findMany({
      where: { deliveryStatus: "pending", createdAt: { lt: createdBefore } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  /**
   * Takes over a pending row for re-delivery: a compare-and-set on what the caller read (attempts
   * and last error), so of two instances resuming the same row at once exactly one wins.
   */
  async claim(row: BudgetAlertRecord, note: string): Promise<boolean> {
    const db = await this.db();
    const { count } = await db.budgetAlert.updateMany({
      where: { id: row.id, deliveryStatus: "pending", deliveryAttempts: row.deliveryAttempts, lastError: row.lastError },
      data: { lastError: clip(note) },
    });
    return count === 1;
  }

  /** Newest first, by (created_at, id); filters by scope and scope id. */
  async list(q: AlertListQuery): Promise<AlertPage> {
    const db = await this.db();
    const limit = Math.max(1, Math.min(200, Math.floor(q.limit)));
    const rows = await db.budgetAlert.findMany({
      where: {
        ...(q.scope ? { scopeType: q.scope } : {}),
        ...(q.scopeId ? { scopeId: q.scopeId } : {}),
        ...(q.cursor
          ? {
              OR: [{ createdAt: { lt: q.cursor.createdAt } }, { createdAt: q.cursor.createdAt, id: { lt: q.cursor.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit).map(toRecord);
    const last = page[page.length - 1];
    return { data: page, nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }
}

// ---- default store over the process-wide database ----------------------------------------------

const GLOBAL_KEY = Symbol.for("helix.store.budget-alerts");

export function budgetAlertStore(): BudgetAlertStore {
  const g = globalThis as unknown as Record<symbol, BudgetAlertStore | undefined>;
  return (g[GLOBAL_KEY] ??= new BudgetAlertStore({ db: getDb }));
}
