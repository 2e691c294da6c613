// Usage rollups: per minute, hour and day, per single dimension (global, key, user, team, org,
// end user, requested model, provider), the counters of the requests logged in that bucket.
// They are written by the request-log insert itself (one statement: the rows the log insert
// actually inserted are aggregated and upserted here), so a retried or duplicated batch can never
// count twice and logs and rollups always agree. Spend checks and reports read only this table.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { LATENCY_COLUMNS, latencyBucketFilters } from "./latency-histogram";

export const ROLLUP_GRANULARITIES = ["minute", "hour", "day"] as const;
export type RollupGranularity = (typeof ROLLUP_GRANULARITIES)[number];

export const ROLLUP_DIMENSIONS = ["global", "key", "user", "team", "org", "end_user", "model", "provider"] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/**
 * Values are cut to this many characters (the primary-key index cannot hold arbitrarily long
 * text; an end user name is client input). Readers apply the same cut in SQL, so lookups agree.
 */
export const ROLLUP_VALUE_MAX_CHARS = 512;

const GRANULARITY_MS: Record<RollupGranularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The request_logs columns the rollup statement reads from the inserted rows. */
const LOG_COLUMNS = [
  "created_at",
  "api_key_id",
  "key_hash",
  "user_id",
  "team_id",
  "org_id",
  "end_user",
  "requested_model",
  "provider",
  "status",
  "input_tokens",
  "output_tokens",
  "cost_micros",
  "cost_status",
  "cache_status",
  "cache_savings_micros",
  "cache_saved_ms",
  "swap_rule",
  "swap_savings_micros",
  "latency_ms",
] as const;

/** Each dimension's value for one log row (`i`); NULL or '' skips the row for that dimension. */
const DIMENSION_VALUES: Record<RollupDimension, string> = {
  global: "''",
  // Registered keys by id; unregistered local-mode keys by their hash.
  key: "COALESCE(i.api_key_id, i.key_hash)",
  user: "i.user_id",
  team: "i.team_id",
  org: "i.org_id",
  end_user: "i.end_user",
  model: "i.requested_model",
  provider: "i.provider",
};

/** The counters: [usage_rollups column, aggregate over the inserted log rows `i`]. */
const COUNTERS: ReadonlyArray<readonly [string, string]> = [
  ["requests", "count(*)"],
  ["errors", "count(*) FILTER (WHERE i.status >= 400)"],
  ["input_tokens", "COALESCE(sum(i.input_tokens), 0)"],
  ["output_tokens", "COALESCE(sum(i.output_tokens), 0)"],
  ["cost_micros", "COALESCE(sum(i.cost_micros), 0)"],
  ["cache_hits", "count(*) FILTER (WHERE i.cache_status IN ('HIT', 'SEMANTIC_HIT'))"],
  ["semantic_hits", "count(*) FILTER (WHERE i.cache_status = 'SEMANTIC_HIT')"],
  ["cache_savings_micros", "COALESCE(sum(i.cache_savings_micros), 0)"],
  // Upstream time avoided: only hits avoid a call (a miss may carry no figure, but never counts).
  ["cache_saved_ms_sum", "COALESCE(sum(i.cache_saved_ms) FILTER (WHERE i.cache_status IN ('HIT', 'SEMANTIC_HIT')), 0)"],
  ["swaps", "count(*) FILTER (WHERE i.swap_rule IS NOT NULL)"],
  ["swap_savings_micros", "COALESCE(sum(i.swap_savings_micros), 0)"],
  ["unknown_cost", "count(*) FILTER (WHERE i.cost_status = 'unknown')"],
  ["latency_ms_sum", "COALESCE(sum(i.latency_ms), 0)"],
  // Latency percentiles for any range come from these bucket counts (lib/store/latency-histogram.ts).
  ...LATENCY_COLUMNS.map((c, k) => [c, `count(*) FILTER (WHERE ${latencyBucketFilters("i")[k]})`] as const),
];

/**
 * One statement that runs `logInsertSql` (an `INSERT INTO request_logs … ON CONFLICT (id) DO
 * NOTHING` without RETURNING) and adds exactly the rows it inserted to the rollups; it answers one
 * row `{inserted}`. Being one statement it is atomic on its own (no transaction needed, on
 * PostgreSQL and PGlite alike). Rollup rows are upserted in primary-key order so that concurrent
 * writers (several gateway instances) take their row locks in the same order and cannot deadlock.
 */
export function withRollups(logInsertSql: string): string {
  const dims = ROLLUP_DIMENSIONS.map((d) => `('${d}', left(${DIMENSION_VALUES[d]}, ${ROLLUP_VALUE_MAX_CHARS}))`).join(", ");
  const grans = ROLLUP_GRANULARITIES.map((g) => `('${g}')`).join(", ");
  return (
    `WITH i AS (${logInsertSql} RETURNING ${LOG_COLUMNS.map((c) => `"${c}"`).join(", ")}), ` +
    `r AS (INSERT INTO usage_rollups (granularity, bucket, dimension, value, ${COUNTERS.map(([c]) => c).join(", ")}) ` +
    `SELECT g.granularity, date_trunc(g.granularity, i.created_at), d.dimension, d.value, ${COUNTERS.map(([, agg]) => agg).join(", ")} ` +
    `FROM i CROSS JOIN (VALUES ${grans}) AS g(granularity) CROSS JOIN LATERAL (VALUES ${dims}) AS d(dimension, value) ` +
    `WHERE d.value IS NOT NULL AND (d.dimension = 'global' OR d.value <> '') ` +
    `GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4, 2 ` +
    `ON CONFLICT (granularity, dimension, value, bucket) DO UPDATE SET ` +
    `${COUNTERS.map(([c]) => `${c} = usage_rollups.${c} + excluded.${c}`).join(", ")}) ` +
    `SELECT count(*)::int AS inserted FROM i`
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** UTC text for a timestamp-without-time-zone parameter (the columns hold UTC wall time). */
const ts = (d: Date) => d.toISOString();

function floorTo(ms: number, g: RollupGranularity): number {
  return Math.floor(ms / GRANULARITY_MS[g]) * GRANULARITY_MS[g];
}
function ceilTo(ms: number, g: RollupGranularity): number {
  return Math.ceil(ms / GRANULARITY_MS[g]) * GRANULARITY_MS[g];
}

/** `since` floored to the minute, then the next whole hour and the next whole day (UTC). */
export function spendWindows(since: Date): { minuteFrom: Date; hourFrom: Date; dayFrom: Date } {
  const minuteFrom = floorTo(since.getTime(), "minute");
  const hourFrom = ceilTo(minuteFrom, "hour");
  const dayFrom = ceilTo(hourFrom, "day");
  return { minuteFrom: new Date(minuteFrom), hourFrom: new Date(hourFrom), dayFrom: new Date(dayFrom) };
}

/**
 * Micro-USD spent by one dimension value from `since` on (no upper bound: everything logged so
 * far). Exact for any minute-aligned instant: day buckets that lie fully after it, hour buckets
 * for the rest of its day, minute buckets up to its next hour. An instant inside a minute counts
 * that whole minute (the conservative side for a budget). For "global" the value is ignored.
 * Reads only usage_rollups (at most ~24 hour and ~60 minute rows plus the days).
 */
export async function spendSince(db: PrismaClient, dimension: RollupDimension, value: string, since: Date): Promise<number> {
  if (!ROLLUP_DIMENSIONS.includes(dimension)) throw new Error(`unknown rollup dimension '${String(dimension)}'`);
  if (!(since instanceof Date) || Number.isNaN(since.getTime())) throw new Error("spendSince needs a valid date");
  const w = spendWindows(since);
  const rows = await db.$queryRawUnsafe<Array<{ micros: number }>>(
    `SELECT COALESCE(sum(cost_micros), 0)::float8 AS micros FROM usage_rollups ` +
      `WHERE dimension = $1 AND value = left($2, ${ROLLUP_VALUE_MAX_CHARS}) AND (` +
      `(granularity = 'day' AND bucket >= $5::timestamp(3)) OR ` +
      `(granularity = 'hour' AND bucket >= $4::timestamp(3) AND bucket < $5::timestamp(3)) OR ` +
      `(granularity = 'minute' AND bucket >= $3::timestamp(3) AND bucket < $4::timestamp(3)))`,
    dimension,
    dimension === "global" ? "" : value,
    ts(w.minuteFrom),
    ts(w.hourFrom),
    ts(w.dayFrom),
  );
  return Number(rows[0]?.micros ?? 0);
}

export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  cacheHits: number;
  semanticHits: number;
  cacheSavingsMicros: number;
  swaps: number;
  swapSavingsMicros: number;
  unknownCost: number;
  latencyMsSum: number;
}

export interface SpendReportQuery {
  groupBy: Exclude<RollupDimension, "global">;
  /** Floored to the granularity. */
  from: Date;
  /** Exclusive; raised to the next bucket boundary. */
  to: Date;
  granularity: RollupGranularity;
  /** Only this value of the grouped dimension (rollups hold one dimension each, so a filter on another dimension is not possible). */
  value?: string;
  /** Most groups returned (by cost, then requests); default 100. */
  limit?: number;
}

export interface SpendReport {
  /** The aligned range actually covered: [from, to). */
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  /** All requests in the range (the filtered value's when `value` is set). */
  totals: UsageTotals;
  /** Per value of the dimension, most expensive first, at most `limit`. */
  groups: Array<{ value: string } & UsageTotals>;
  /** How many values had requests in the range (groups may be cut to `limit`). */
  groupCount: number;
  /** Requests without a value for the dimension (e.g. no team); only without a `value` filter. */
  unattributed: UsageTotals | null;
  /** Non-empty buckets of the returned groups, by bucket then value. */
  series: Array<{ bucket: Date; value: string; costMicros: number; requests: number }>;
}

const TOTAL_COLUMNS: ReadonlyArray<readonly [keyof UsageTotals, string]> = [
  ["requests", "requests"],
  ["errors", "errors"],
  ["inputTokens", "input_tokens"],
  ["outputTokens", "output_tokens"],
  ["costMicros", "cost_micros"],
  ["cacheHits", "cache_hits"],
  ["semanticHits", "semantic_hits"],
  ["cacheSavingsMicros", "cache_savings_micros"],
  ["swaps", "swaps"],
  ["swapSavingsMicros", "swap_savings_micros"],
  ["unknownCost", "unknown_cost"],
  ["latencyMsSum", "latency_ms_sum"],
];
const SUMS = TOTAL_COLUMNS.map(([k, c]) => `COALESCE(sum(${c}), 0)::float8 AS "${k}"`).join(", ");

function totalsOf(row: Record<string, unknown> | undefined): UsageTotals {
  const out = {} as UsageTotals;
  for (const [k] of TOTAL_COLUMNS) out[k] = Number(row?.[k] ?? 0);
  return out;
}

function minus(a: UsageTotals, b: UsageTotals): UsageTotals {
  const out = {} as UsageTotals;
  for (const [k] of TOTAL_COLUMNS) out[k] = a[k] - b[k];
  return out;
}

/** The range [from, to) aligned outwards to whole buckets of the granularity. */
export function alignRange(from: Date, to: Date, granularity: RollupGranularity): { from: Date; to: Date } {
  return { from: new Date(floorTo(from.getTime(), granularity)), to: new Date(ceilTo(to.getTime(), granularity)) };
}

/** Spend and usage per value of one dimension over a range, and its time series. Reads only usage_rollups. */
export async function spendReport(db: PrismaClient, q: SpendReportQuery): Promise<SpendReport> {
  const { from, to } = alignRange(q.from, q.to, q.granularity);
  const limit = Math.max(1, Math.min(10_000, Math.floor(q.limit ?? 100)));
  const range = `granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)`;
  const base = [q.granularity, ts(from), ts(to)] as const;
  const valueFilter = q.value === undefined ? "" : ` AND value = left($5, ${ROLLUP_VALUE_MAX_CHARS})`;
  const groupParams = q.value === undefined ? [...base, q.groupBy] : [...base, q.groupBy, q.value];

  const [globalRows, allGroupRows, groupRows] = await Promise.all([
    q.value === undefined
      ? db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT ${SUMS} FROM usage_rollups WHERE ${range} AND dimension = 'global'`, ...base)
      : Promise.resolve([]),
    db.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT ${SUMS}, count(DISTINCT value)::int AS "groupCount" FROM usage_rollups WHERE ${range} AND dimension = $4${valueFilter}`,
      ...groupParams,
    ),
    db.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT value, ${SUMS} FROM usage_rollups WHERE ${range} AND dimension = $4${valueFilter} ` +
        `GROUP BY value ORDER BY sum(cost_micros) DESC, sum(requests) DESC, value LIMIT ${limit}`,
      ...groupParams,
    ),
  ]);
  const groups = groupRows.map((r) => ({ value: String(r.value), ...totalsOf(r) }));
  const grouped = totalsOf(allGroupRows[0]);
  const totals = q.value === undefined ? totalsOf(globalRows[0]) : grouped;

  const series =
    groups.length === 0
      ? []
      : (
          await db.$queryRawUnsafe<Array<{ bucket: string; value: string; costMicros: number; requests: number }>>(
            `SELECT to_char(bucket, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS bucket, value, cost_micros::float8 AS "costMicros", requests::float8 AS requests ` +
              `FROM usage_rollups WHERE ${range} AND dimension = $4 AND value = ANY($5::text[]) ORDER BY bucket, value`,
            ...base,
            q.groupBy,
            groups.map((g) => g.value),
          )
        ).map((r) => ({ bucket: new Date(r.bucket), value: r.value, costMicros: Number(r.costMicros), requests: Number(r.requests) }));

  return {
    from,
    to,
    granularity: q.granularity,
    totals,
    groups,
    groupCount: Number(allGroupRows[0]?.groupCount ?? 0),
    unattributed: q.value === undefined ? minus(totals, grouped) : null,
    series,
  };
}

/** Requests per latency bucket (LATENCY_COLUMNS order) of one dimension's value (or all) over [from, to). */
export async function latencyHistogram(
  db: PrismaClient,
  q: { dimension: RollupDimension; value?: string; from: Date; to: Date; granularity: RollupGranularity },
): Promise<number[]> {
  const { from, to } = alignRange(q.from, q.to, q.granularity);
  const sums = LATENCY_COLUMNS.map((c, i) => `COALESCE(sum(${c}), 0)::float8 AS b${i}`).join(", ");
  const rows = await db.$queryRawUnsafe<Array<Record<string, number>>>(
    `SELECT ${sums} FROM usage_rollups WHERE granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3) ` +
      `AND dimension = $4 AND value = left($5, ${ROLLUP_VALUE_MAX_CHARS})`,
    q.granularity,
    ts(from),
    ts(to),
    q.dimension,
    q.dimension === "global" ? "" : (q.value ?? ""),
  );
  return LATENCY_COLUMNS.map((_, i) => Number(rows[0]?.[`b${i}`] ?? 0));
}
