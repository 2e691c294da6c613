// The cache page's figures for a time range: exact and semantic hits, what they saved (cost from
// cache_savings_micros, upstream time from cache_saved_ms_sum) per bucket — all from usage_rollups
// ("global") — and the similarity distribution of semantic hits, from the (cache_status,
// created_at, cache_similarity) index of request_logs: an index-bounded read of the range's
// semantic hits only, never a scan of the log.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { alignRange, type RollupGranularity } from "@/lib/store/usage-rollups";
import { granularityFor } from "@/lib/dashboard/ranges";

export interface CacheFigures {
  requests: number;
  exactHits: number;
  semanticHits: number;
  /** Hits (exact + semantic) per request; null without requests. */
  hitRate: number | null;
  exactHitRate: number | null;
  semanticHitRate: number | null;
  savingsMicros: number;
  savedMs: number;
}

export interface CacheSeriesPoint {
  bucket: Date;
  requests: number;
  exactHits: number;
  semanticHits: number;
  savingsMicros: number;
  savedMs: number;
}

export interface SimilarityHistogram {
  /** Width of a bucket (0.01). Bucket k covers [k/100, (k+1)/100); 1.0 falls in the last one. */
  width: number;
  /** Semantic hits per bucket index (0..99) that has any. */
  counts: Map<number, number>;
  total: number;
}

export interface CachePerformance {
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  current: CacheFigures;
  series: CacheSeriesPoint[];
  similarity: SimilarityHistogram;
}

const RANGE = "granularity = $1 AND dimension = 'global' AND value = '' AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3)";
const COLS =
  "requests::float8 AS requests, (cache_hits - semantic_hits)::float8 AS exact, semantic_hits::float8 AS semantic, " +
  "cache_savings_micros::float8 AS savings, cache_saved_ms_sum::float8 AS saved_ms";

type Row = { bucket: Date; requests: number; exact: number; semantic: number; savings: number; saved_ms: number };

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** Semantic hits per 0.01 of similarity in [from, to): reads only the range's SEMANTIC_HIT index entries. */
export async function similarityHistogram(db: PrismaClient, from: Date, to: Date): Promise<SimilarityHistogram> {
  // The epsilon keeps 0.29 (stored as 0.28999…) in its own bucket; 1.0 joins the top bucket.
  const rows = await db.$queryRawUnsafe<Array<{ k: number; n: number }>>(
    "SELECT LEAST(floor(cache_similarity * 100 + 1e-9), 99)::int AS k, count(*)::float8 AS n FROM request_logs " +
      "WHERE cache_status = 'SEMANTIC_HIT' AND created_at >= $1::timestamp(3) AND created_at < $2::timestamp(3) AND cache_similarity IS NOT NULL " +
      "GROUP BY 1 ORDER BY 1",
    from.toISOString(),
    to.toISOString(),
  );
  const counts = new Map(rows.map((r) => [Math.max(0, Number(r.k)), Number(r.n)]));
  return { width: 0.01, counts, total: rows.reduce((s, r) => s + Number(r.n), 0) };
}

/** The cache's figures over [to - rangeMs, to), bucket-aligned. */
export async function cachePerformance(db: PrismaClient, rangeMs: number, to: Date): Promise<CachePerformance> {
  const granularity = granularityFor(rangeMs);
  const aligned = alignRange(new Date(to.getTime() - rangeMs), to, granularity);
  const [rows, similarity] = await Promise.all([
    db.$queryRawUnsafe<Row[]>(`SELECT bucket, ${COLS} FROM usage_rollups WHERE ${RANGE} ORDER BY bucket`, granularity, aligned.from.toISOString(), aligned.to.toISOString()),
    similarityHistogram(db, aligned.from, aligned.to),
  ]);
  const series = rows.map((r) => ({
    bucket: r.bucket,
    requests: Number(r.requests),
    exactHits: Number(r.exact),
    semanticHits: Number(r.semantic),
    savingsMicros: Number(r.savings),
    savedMs: Number(r.saved_ms),
  }));
  const sum = (k: keyof Omit<CacheSeriesPoint, "bucket">) => series.reduce((s, p) => s + p[k], 0);
  const requests = sum("requests");
  const exactHits = sum("exactHits");
  const semanticHits = sum("semanticHits");
  return {
    from: aligned.from,
    to: aligned.to,
    granularity,
    current: {
      requests,
      exactHits,
      semanticHits,
      hitRate: ratio(exactHits + semanticHits, requests),
      exactHitRate: ratio(exactHits, requests),
      semanticHitRate: ratio(semanticHits, requests),
      savingsMicros: sum("savingsMicros"),
      savedMs: sum("savedMs"),
    },
    series,
    similarity,
  };
}

/** Teams whose own semantic threshold overrides the configured one (few rows: teams is small). */
export async function teamThresholds(db: PrismaClient): Promise<Array<{ team: string; threshold: number }>> {
  const rows = await db.$queryRawUnsafe<Array<{ name: string; t: number }>>(
    "SELECT name, semantic_threshold::float8 AS t FROM teams WHERE semantic_threshold IS NOT NULL ORDER BY semantic_threshold, name LIMIT 50",
  );
  return rows.map((r) => ({ team: r.name, threshold: Number(r.t) }));
}
