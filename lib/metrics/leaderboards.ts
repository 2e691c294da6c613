// Leaderboards for a time range: the top spenders of each dimension (users, end users, keys,
// teams, models) with requests, tokens, cache hit rate, cost per request and latency, and usage
// patterns (requests by UTC hour of day and by day of week). Reads only usage_rollups: the
// boards at the range's granularity, the patterns from hourly global rows (at most 8,760 a year).
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { granularityFor } from "@/lib/dashboard/ranges";
import { LATENCY_COLUMNS, latencyPercentile } from "@/lib/store/latency-histogram";
import { alignRange, type RollupGranularity } from "@/lib/store/usage-rollups";

export const LEADERBOARD_DIMENSIONS = ["user", "end_user", "key", "team", "model"] as const;
export type LeaderboardDimension = (typeof LEADERBOARD_DIMENSIONS)[number];
export const LEADERBOARD_SIZE = 10;

export interface LeaderboardEntry {
  value: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  spendMicros: number;
  cacheHits: number;
  cacheHitRate: number | null;
  avgCostMicros: number | null;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface UsagePatterns {
  /** 24 entries, hour 0..23 (UTC). */
  byHour: Array<{ hour: number; requests: number; spendMicros: number }>;
  /** 7 entries, 0 = Sunday .. 6 = Saturday (UTC days). */
  byWeekday: Array<{ weekday: number; requests: number; spendMicros: number }>;
}

export interface Leaderboards {
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  boards: Record<LeaderboardDimension, LeaderboardEntry[]>;
  patterns: UsagePatterns;
}

const RANGE = "granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)";
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export async function leaderboards(db: PrismaClient, q: { rangeMs: number; to: Date; size?: number }): Promise<Leaderboards> {
  const granularity = granularityFor(q.rangeMs);
  const { from, to } = alignRange(new Date(q.to.getTime() - q.rangeMs), q.to, granularity);
  const size = Math.max(1, Math.min(100, Math.floor(q.size ?? LEADERBOARD_SIZE)));
  // Patterns read whole hours: the hourly rows covering the same range.
  const hours = alignRange(from, to, "hour");
  const hist = LATENCY_COLUMNS.map((c, i) => `sum(${c})::float8 AS l${i}`).join(", ");
  const [rows, patternRows] = await Promise.all([
    db.$queryRawUnsafe<Array<Record<string, number | string>>>(
      `SELECT * FROM (SELECT dimension, value, sum(requests)::float8 AS requests, sum(input_tokens)::float8 AS input, sum(output_tokens)::float8 AS output, ` +
        `sum(cost_micros)::float8 AS spend, sum(cache_hits)::float8 AS hits, sum(latency_ms_sum)::float8 AS latency_sum, ${hist}, ` +
        `row_number() OVER (PARTITION BY dimension ORDER BY sum(cost_micros) DESC, sum(requests) DESC, value) AS rank ` +
        `FROM usage_rollups WHERE ${RANGE} AND dimension = ANY($4::text[]) GROUP BY dimension, value) ranked ` +
        `WHERE rank <= ${size} ORDER BY dimension, rank`,
      granularity,
      from.toISOString(),
      to.toISOString(),
      [...LEADERBOARD_DIMENSIONS],
    ),
    db.$queryRawUnsafe<Array<{ dow: number; hour: number; requests: number; spend: number }>>(
      `SELECT extract(dow FROM bucket)::int AS dow, extract(hour FROM bucket)::int AS hour, sum(requests)::float8 AS requests, sum(cost_micros)::float8 AS spend ` +
        `FROM usage_rollups WHERE ${RANGE} AND dimension = 'global' AND value = '' GROUP BY 1, 2`,
      "hour",
      hours.from.toISOString(),
      hours.to.toISOString(),
    ),
  ]);

  const boards = Object.fromEntries(LEADERBOARD_DIMENSIONS.map((d) => [d, [] as LeaderboardEntry[]])) as Record<LeaderboardDimension, LeaderboardEntry[]>;
  for (const r of rows) {
    const requests = Number(r.requests);
    const spend = Number(r.spend);
    const hits = Number(r.hits);
    const counts = LATENCY_COLUMNS.map((_, i) => Number(r[`l${i}`] ?? 0));
    boards[r.dimension as LeaderboardDimension].push({
      value: String(r.value),
      requests,
      inputTokens: Number(r.input),
      outputTokens: Number(r.output),
      spendMicros: spend,
      cacheHits: hits,
      cacheHitRate: requests > 0 ? hits / requests : null,
      avgCostMicros: requests > 0 ? spend / requests : null,
      avgLatencyMs: requests > 0 ? round1(Number(r.latency_sum) / requests) : null,
      p95LatencyMs: round1(latencyPercentile(counts, 0.95)),
    });
  }

  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, requests: 0, spendMicros: 0 }));
  const byWeekday = Array.from({ length: 7 }, (_, weekday) => ({ weekday, requests: 0, spendMicros: 0 }));
  for (const r of patternRows) {
    byHour[Number(r.hour)].requests += Number(r.requests);
    byHour[Number(r.hour)].spendMicros += Number(r.spend);
    byWeekday[Number(r.dow)].requests += Number(r.requests);
    byWeekday[Number(r.dow)].spendMicros += Number(r.spend);
  }
  return { from, to, granularity, boards, patterns: { byHour, byWeekday } };
}
