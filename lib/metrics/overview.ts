// The dashboard's overview figures for a time range, and the same figures for the range before it
// (for trends): read from usage_rollups (the "global" dimension) and pii_rollups. request_logs is
// never read, so the page stays fast on a year of traffic.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { LATENCY_COLUMNS, latencyPercentile } from "@/lib/store/latency-histogram";
import { alignRange, type RollupGranularity } from "@/lib/store/usage-rollups";
import { granularityFor } from "@/lib/dashboard/ranges";

export { granularityFor };

export interface OverviewFigures {
  requests: number;
  errors: number;
  errorRate: number | null;
  spendMicros: number;
  cacheHits: number;
  semanticHits: number;
  cacheHitRate: number | null;
  cacheSavingsMicros: number;
  swapSavingsMicros: number;
  unknownCostRequests: number;
  inputTokens: number;
  outputTokens: number;
  piiDetections: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface Overview {
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  current: OverviewFigures;
  /** The same length of time just before `from`. */
  previous: OverviewFigures;
  series: Array<{ bucket: Date; requests: number; errors: number; spendMicros: number; cacheHits: number }>;
}

const SUMS =
  "COALESCE(sum(requests), 0)::float8 AS requests, COALESCE(sum(errors), 0)::float8 AS errors, COALESCE(sum(cost_micros), 0)::float8 AS spend, " +
  "COALESCE(sum(cache_hits), 0)::float8 AS hits, COALESCE(sum(semantic_hits), 0)::float8 AS semantic, " +
  "COALESCE(sum(cache_savings_micros), 0)::float8 AS cache_savings, COALESCE(sum(swap_savings_micros), 0)::float8 AS swap_savings, " +
  "COALESCE(sum(unknown_cost), 0)::float8 AS unknown, COALESCE(sum(input_tokens), 0)::float8 AS input, COALESCE(sum(output_tokens), 0)::float8 AS output, " +
  LATENCY_COLUMNS.map((c, i) => `COALESCE(sum(${c}), 0)::float8 AS l${i}`).join(", ");

const RANGE = "granularity = $1 AND dimension = 'global' AND value = '' AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)";

async function figures(db: PrismaClient, from: Date, to: Date, g: RollupGranularity): Promise<OverviewFigures> {
  const [[r], [pii]] = await Promise.all([
    db.$queryRawUnsafe<Array<Record<string, number>>>(`SELECT ${SUMS} FROM usage_rollups WHERE ${RANGE}`, g, from.toISOString(), to.toISOString()),
    db.$queryRawUnsafe<Array<{ n: number }>>(
      // The PII rollups at the range's granularity (a year of incidents would be 100k+ rows).
      "SELECT COALESCE(sum(detections), 0)::float8 AS n FROM pii_rollups WHERE granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)",
      g,
      from.toISOString(),
      to.toISOString(),
    ),
  ]);
  const hist = LATENCY_COLUMNS.map((_, i) => Number(r[`l${i}`] ?? 0));
  const requests = Number(r.requests);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    requests,
    errors: Number(r.errors),
    errorRate: requests > 0 ? Number(r.errors) / requests : null,
    spendMicros: Number(r.spend),
    cacheHits: Number(r.hits),
    semanticHits: Number(r.semantic),
    cacheHitRate: requests > 0 ? Number(r.hits) / requests : null,
    cacheSavingsMicros: Number(r.cache_savings),
    swapSavingsMicros: Number(r.swap_savings),
    unknownCostRequests: Number(r.unknown),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    piiDetections: Number(pii.n),
    latencyP50Ms: round(latencyPercentile(hist, 0.5)),
    latencyP95Ms: round(latencyPercentile(hist, 0.95)),
  };
}

/** The overview of [to - rangeMs, to), bucket-aligned, with the previous range for trends. */
export async function overview(db: PrismaClient, rangeMs: number, to: Date): Promise<Overview> {
  const granularity = granularityFor(rangeMs);
  const aligned = alignRange(new Date(to.getTime() - rangeMs), to, granularity);
  const span = aligned.to.getTime() - aligned.from.getTime();
  const prevFrom = new Date(aligned.from.getTime() - span);
  const [current, previous, rows] = await Promise.all([
    figures(db, aligned.from, aligned.to, granularity),
    figures(db, prevFrom, aligned.from, granularity),
    db.$queryRawUnsafe<Array<{ bucket: Date; requests: number; errors: number; spend: number; hits: number }>>(
      `SELECT bucket, requests::float8 AS requests, errors::float8 AS errors, cost_micros::float8 AS spend, cache_hits::float8 AS hits ` +
        `FROM usage_rollups WHERE ${RANGE} ORDER BY bucket`,
      granularity,
      aligned.from.toISOString(),
      aligned.to.toISOString(),
    ),
  ]);
  return {
    from: aligned.from,
    to: aligned.to,
    granularity,
    current,
    previous,
    series: rows.map((x) => ({ bucket: x.bucket, requests: Number(x.requests), errors: Number(x.errors), spendMicros: Number(x.spend), cacheHits: Number(x.hits) })),
  };
}
