// GET /helix/spend: spend and usage per key, user, team, org, end user, model or provider over a
// range, with a time series. Read from the usage rollups only (never request_logs), so it costs
// the same for a day or a year of traffic.
import "server-only";
import { requireAdmin } from "@/lib/auth/caller";
import { nowMs } from "@/lib/cost/clock";
import { InvalidRequestError } from "@/lib/errors";
import { getDb } from "@/lib/store/db";
import { usdFromMicros as usd } from "@/lib/cost/usd";
import {
  alignRange,
  ROLLUP_DIMENSIONS,
  ROLLUP_GRANULARITIES,
  spendReport,
  type RollupGranularity,
  type SpendReportQuery,
  type UsageTotals,
} from "@/lib/store/usage-rollups";

export const SPEND_GROUPS = ROLLUP_DIMENSIONS.filter((d): d is SpendReportQuery["groupBy"] => d !== "global");

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
const DEFAULT_PERIOD_MS = DAY;
/** Longest range one report covers. */
const MAX_RANGE_MS = 400 * DAY;
/** Most buckets in a series (per group). */
export const MAX_BUCKETS = 5_000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;
const KNOWN_PARAMS = new Set<string>(["group_by", "period", "from", "to", "granularity", "limit", ...SPEND_GROUPS]);

/** Minute buckets up to 6 hours, hours up to 14 days, days beyond. */
export function autoGranularity(spanMs: number): RollupGranularity {
  if (spanMs <= 6 * HOUR) return "minute";
  if (spanMs <= 14 * DAY) return "hour";
  return "day";
}

function bad(message: string, param: string): InvalidRequestError {
  return new InvalidRequestError(message, { param });
}

function instant(params: URLSearchParams, name: "from" | "to"): Date | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  // ISO 8601 only (a date, or a date and time with a zone); Date.parse alone accepts far more.
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw.trim());
  const ms = ok ? Date.parse(raw.trim()) : NaN;
  if (Number.isNaN(ms)) throw bad(`'${name}' must be an ISO 8601 instant such as 2026-03-01T00:00:00Z (got '${raw}').`, name);
  return new Date(ms);
}

/** The query string as a rollup query; every mistake is a 400 naming its parameter. */
export function parseSpendQuery(params: URLSearchParams, now: number): SpendReportQuery {
  for (const name of params.keys()) {
    if (!KNOWN_PARAMS.has(name)) {
      throw bad(`Unknown parameter '${name}'. Use group_by, period or from/to, granularity, limit, or a filter named after group_by.`, name);
    }
  }
  const groupByRaw = params.get("group_by") ?? "model";
  const groupBy = SPEND_GROUPS.find((g) => g === groupByRaw);
  if (!groupBy) throw bad(`'group_by' must be one of ${SPEND_GROUPS.join(", ")} (got '${groupByRaw}').`, "group_by");

  // Rollups hold one dimension each: a filter can only pick a value of the grouped dimension.
  let value: string | undefined;
  for (const d of SPEND_GROUPS) {
    const v = params.get(d);
    if (v === null) continue;
    if (d !== groupBy) {
      throw bad(
        `Filtering by '${d}' while grouping by '${groupBy}' is not supported: spend is rolled up per single dimension. ` +
          `Use group_by=${d}&${d}=${encodeURIComponent(v)}.`,
        d,
      );
    }
    if (v === "") throw bad(`'${d}' must not be empty.`, d);
    value = v;
  }

  const period = params.get("period");
  const fromParam = instant(params, "from");
  const toParam = instant(params, "to");
  if (period !== null && fromParam) throw bad("Use either 'period' or 'from' (with an optional 'to'), not both.", "period");
  let periodMs = DEFAULT_PERIOD_MS;
  if (period !== null) {
    const m = /^(\d{1,6})([mhdw])$/.exec(period.trim());
    periodMs = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
    if (!(periodMs > 0)) throw bad(`'period' must be a number and a unit m, h, d or w, such as 24h, 7d or 30d (got '${period}').`, "period");
  }
  const to = toParam ?? new Date(now);
  const from = fromParam ?? new Date(to.getTime() - periodMs);
  if (from.getTime() >= to.getTime()) throw bad("'from' must be before 'to'.", fromParam ? "from" : "period");
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw bad(`A report covers at most ${MAX_RANGE_MS / DAY} days.`, fromParam ? "from" : "period");

  const granularityRaw = params.get("granularity");
  let granularity: RollupGranularity;
  if (granularityRaw === null || granularityRaw === "") {
    granularity = autoGranularity(to.getTime() - from.getTime());
  } else {
    const g = ROLLUP_GRANULARITIES.find((x) => x === granularityRaw);
    if (!g) throw bad(`'granularity' must be one of ${ROLLUP_GRANULARITIES.join(", ")} (got '${granularityRaw}').`, "granularity");
    granularity = g;
  }
  const aligned = alignRange(from, to, granularity);
  const buckets = (aligned.to.getTime() - aligned.from.getTime()) / { minute: MINUTE, hour: HOUR, day: DAY }[granularity];
  if (buckets > MAX_BUCKETS) {
    throw bad(`${buckets} ${granularity} buckets is more than ${MAX_BUCKETS}; choose a coarser granularity or a shorter range.`, "granularity");
  }

  const limitRaw = params.get("limit");
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== null) {
    limit = /^\d{1,5}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw bad(`'limit' must be an integer from 1 to ${MAX_LIMIT} (got '${limitRaw}').`, "limit");
  }
  return { groupBy, from, to, granularity, limit, ...(value !== undefined ? { value } : {}) };
}


function presentTotals(t: UsageTotals) {
  return {
    requests: t.requests,
    cost_usd: usd(t.costMicros),
    cost_micros: t.costMicros,
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    cache_hits: t.cacheHits,
    semantic_hits: t.semanticHits,
    cache_savings_usd: usd(t.cacheSavingsMicros),
    cache_savings_micros: t.cacheSavingsMicros,
    swaps: t.swaps,
    swap_savings_usd: usd(t.swapSavingsMicros),
    swap_savings_micros: t.swapSavingsMicros,
    /** Requests whose price was unknown: their cost is not in cost_micros. */
    unknown_cost_requests: t.unknownCost,
    errors: t.errors,
    avg_latency_ms: t.requests > 0 ? Math.round(t.latencyMsSum / t.requests) : null,
  };
}

/**
 * GET /helix/spend?group_by=&period=|from=&to=&granularity=&limit=&<group_by>=<value>
 * `from`/`to` are widened to whole buckets of the granularity (the answer says which range it
 * covers). `totals` are all requests in the range (or the filtered value's); `unattributed` are
 * the requests without a value for the dimension (e.g. no team). The series lists non-empty
 * buckets of the returned groups.
 */
export async function spendReportResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const query = parseSpendQuery(new URL(request.url).searchParams, nowMs());
  const report = await spendReport(await getDb(), query);
  return {
    object: "spend_report",
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    granularity: report.granularity,
    group_by: query.groupBy,
    filter: query.value !== undefined ? { [query.groupBy]: query.value } : null,
    totals: presentTotals(report.totals),
    groups: report.groups.map((g) => ({ value: g.value, ...presentTotals(g) })),
    group_count: report.groupCount,
    unattributed: report.unattributed ? presentTotals(report.unattributed) : null,
    series: report.series.map((p) => ({ bucket: p.bucket.toISOString(), value: p.value, cost_micros: p.costMicros, cost_usd: usd(p.costMicros), requests: p.requests })),
  };
}
