// The cost page's figures for a time range: spend over time stacked by the top values of one
// dimension (the rest as "other"), per-value totals, cache and model-swap savings over time, and
// requests without a price per model. Reads only usage_rollups, at the range's granularity.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { granularityFor } from "@/lib/dashboard/ranges";
import { alignRange, spendReport, type RollupGranularity, type UsageTotals } from "@/lib/store/usage-rollups";

export const COST_DIMENSIONS = ["model", "team", "key", "end_user", "user", "provider"] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];
export const DEFAULT_TOP = 5;
export const MAX_TOP = 20;

export interface CostAnalysisQuery {
  dimension: CostDimension;
  rangeMs: number;
  /** End of the range (exclusive; raised to the next bucket boundary). */
  to: Date;
  /** How many values get their own series; default 5. */
  top?: number;
}

export interface CostBucket {
  bucket: Date;
  /** Spend (micro-USD) of each top value in this bucket; values without traffic are absent. */
  byValue: Record<string, number>;
  /** Everything else: the other values and requests without a value for the dimension. */
  otherMicros: number;
  spendMicros: number;
  requests: number;
  cacheSavingsMicros: number;
  swapSavingsMicros: number;
  swaps: number;
  unknownCost: number;
}

export interface CostAnalysis {
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  dimension: CostDimension;
  /** All requests in the range. */
  totals: UsageTotals;
  /** The top values by spend (then requests), at most `top`. */
  groups: Array<{ value: string } & UsageTotals>;
  /** The values beyond the top ones, summed, and how many there were. */
  other: UsageTotals & { values: number };
  /** Requests with no value for the dimension (e.g. a key without a team). */
  unattributed: UsageTotals;
  /** Non-empty buckets only, in time order. */
  series: CostBucket[];
  /** Requests whose model had no price, per requested model, most first. */
  unknownByModel: Array<{ model: string; requests: number }>;
}

const RANGE = "granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)";

function sub(a: UsageTotals, ...bs: UsageTotals[]): UsageTotals {
  const out = { ...a };
  for (const b of bs) for (const k of Object.keys(out) as Array<keyof UsageTotals>) out[k] -= b[k];
  return out;
}

export async function costAnalysis(db: PrismaClient, q: CostAnalysisQuery): Promise<CostAnalysis> {
  const granularity = granularityFor(q.rangeMs);
  const { from, to } = alignRange(new Date(q.to.getTime() - q.rangeMs), q.to, granularity);
  const top = Math.max(1, Math.min(MAX_TOP, Math.floor(q.top ?? DEFAULT_TOP)));
  const params = [granularity, from.toISOString(), to.toISOString()] as const;
  const [report, globalRows, unknownRows] = await Promise.all([
    spendReport(db, { groupBy: q.dimension, from, to, granularity, limit: top }),
    db.$queryRawUnsafe<Array<Record<string, number | string>>>(
      `SELECT to_char(bucket, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS bucket, cost_micros::float8 AS spend, requests::float8 AS requests, ` +
        `cache_savings_micros::float8 AS cache_savings, swap_savings_micros::float8 AS swap_savings, swaps::float8 AS swaps, unknown_cost::float8 AS unknown ` +
        `FROM usage_rollups WHERE ${RANGE} AND dimension = 'global' AND value = '' ORDER BY bucket`,
      ...params,
    ),
    db.$queryRawUnsafe<Array<{ model: string; requests: number }>>(
      `SELECT value AS model, sum(unknown_cost)::float8 AS requests FROM usage_rollups WHERE ${RANGE} AND dimension = 'model' ` +
        `GROUP BY value HAVING sum(unknown_cost) > 0 ORDER BY 2 DESC, 1 LIMIT 50`,
      ...params,
    ),
  ]);

  const topByBucket = new Map<number, Record<string, number>>();
  for (const s of report.series) {
    const t = s.bucket.getTime();
    const m = topByBucket.get(t) ?? {};
    m[s.value] = s.costMicros;
    topByBucket.set(t, m);
  }
  const series: CostBucket[] = globalRows.map((r) => {
    const bucket = new Date(String(r.bucket));
    const byValue = topByBucket.get(bucket.getTime()) ?? {};
    const spend = Number(r.spend);
    const topSpend = Object.values(byValue).reduce((s, v) => s + v, 0);
    return {
      bucket,
      byValue,
      otherMicros: Math.max(0, spend - topSpend),
      spendMicros: spend,
      requests: Number(r.requests),
      cacheSavingsMicros: Number(r.cache_savings),
      swapSavingsMicros: Number(r.swap_savings),
      swaps: Number(r.swaps),
      unknownCost: Number(r.unknown),
    };
  });

  const unattributed = report.unattributed ?? sub(report.totals, report.totals);
  const other = sub(report.totals, unattributed, ...report.groups);
  return {
    from: report.from,
    to: report.to,
    granularity,
    dimension: q.dimension,
    totals: report.totals,
    groups: report.groups,
    other: { ...other, values: Math.max(0, report.groupCount - report.groups.length) },
    unattributed,
    series,
    unknownByModel: unknownRows.map((r) => ({ model: r.model, requests: Number(r.requests) })),
  };
}
