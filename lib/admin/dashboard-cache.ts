// GET /api/dashboard/cache?range=24h: the cache page (any signed-in role). Hit rates, savings and
// the similarity histogram come from lib/metrics/cache-performance.ts; the live state (entries,
// memory, stores, embedder) from the same functions as GET /helix/stats.
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getConfig } from "@/lib/config/loader";
import { getAnswerStore } from "@/lib/cache/answer-store-select";
import { cacheMetrics } from "@/lib/cache/cache-metrics";
import { embedderStatus } from "@/lib/cache/embedders/select";
import { getVectorStore, vectorStoreStatus } from "@/lib/cache/vector-stores/select";
import { cachePerformance, teamThresholds, type CacheFigures } from "@/lib/metrics/cache-performance";
import { getDb } from "@/lib/store/db";
import { usdFromMicros as usd } from "@/lib/cost/usd";
import { parseRange } from "./dashboard-range";

function present(f: CacheFigures) {
  return {
    requests: f.requests,
    exact_hits: f.exactHits,
    semantic_hits: f.semanticHits,
    hits: f.exactHits + f.semanticHits,
    hit_rate: f.hitRate,
    exact_hit_rate: f.exactHitRate,
    semantic_hit_rate: f.semanticHitRate,
    savings_usd: usd(f.savingsMicros),
    saved_ms: f.savedMs,
  };
}

/** What the stores hold now and which embedder and vector store serve (null parts did not answer). */
async function liveState() {
  const settings = getConfig().helix_settings;
  const semantic = settings.semantic_cache;
  const [metrics, answers, vectors] = await Promise.all([
    cacheMetrics().catch(() => null),
    getAnswerStore()
      .stats()
      .catch(() => null),
    semantic.enabled
      ? getVectorStore()
          .then((s) => s.stats())
          .catch(() => null)
      : Promise.resolve(null),
  ]);
  return {
    exact_enabled: settings.cache.enabled,
    semantic_enabled: semantic.enabled,
    answer_store: getAnswerStore().kind,
    answers: answers ? { entries: answers.entries, bytes: answers.bytes ?? null } : null,
    max_memory_bytes: settings.cache.max_memory_bytes,
    vectors: vectors ? { entries: vectors.entries, bytes: vectors.bytes ?? null } : null,
    vector_store: vectorStoreStatus(),
    embedder: embedderStatus(semantic),
    // Since this process (or, with Redis, the metrics hash) started: a cross-check for the rollups.
    counters: metrics ? { hit: metrics.hit, semantic_hit: metrics.semantic_hit, miss: metrics.miss, bypass: metrics.bypass, saved_ms: metrics.saved_ms } : null,
  };
}

export async function cacheResponse(request: Request) {
  await requireDashboardSession(request);
  const { range, rangeMs, to } = parseRange(request);
  const db = await getDb();
  const semantic = getConfig().helix_settings.semantic_cache;
  const [c, teams, live] = await Promise.all([cachePerformance(db, rangeMs, to), teamThresholds(db), liveState()]);
  const models = Object.entries(semantic.thresholds)
    .map(([model, threshold]) => ({ model, threshold }))
    .sort((a, b) => a.threshold - b.threshold || a.model.localeCompare(b.model));
  // The histogram spans the lowest threshold (or the lowest observed hit) to 1.0, in 0.01 steps.
  const lowest = Math.min(
    Math.floor(semantic.similarity_threshold * 100 + 1e-9),
    ...models.map((m) => Math.floor(m.threshold * 100 + 1e-9)),
    ...teams.map((t) => Math.floor(t.threshold * 100 + 1e-9)),
    ...c.similarity.counts.keys(),
  );
  const buckets = [];
  for (let k = Math.max(0, Math.min(lowest, 99)); k <= 99; k++) {
    buckets.push({ lower: k / 100, upper: (k + 1) / 100, hits: c.similarity.counts.get(k) ?? 0 });
  }
  return {
    object: "dashboard.cache",
    range,
    from: c.from.toISOString(),
    to: c.to.toISOString(),
    granularity: c.granularity,
    current: present(c.current),
    series: c.series.map((p) => ({
      bucket: p.bucket.toISOString(),
      requests: p.requests,
      exact_hits: p.exactHits,
      semantic_hits: p.semanticHits,
      exact_hit_rate: p.requests > 0 ? p.exactHits / p.requests : 0,
      semantic_hit_rate: p.requests > 0 ? p.semanticHits / p.requests : 0,
      savings_usd: usd(p.savingsMicros),
      saved_ms: p.savedMs,
    })),
    similarity: {
      width: c.similarity.width,
      total: c.similarity.total,
      buckets,
      thresholds: { default: semantic.similarity_threshold, models, teams },
    },
    live,
  };
}
