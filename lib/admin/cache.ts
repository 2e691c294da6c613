import "server-only";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { InvalidRequestError } from "@/lib/errors";
import { getAnswerStore } from "@/lib/cache/answer-store-select";
import type { AnswerFilter } from "@/lib/cache/answer-store";
import { cacheMetrics } from "@/lib/cache/cache-metrics";
import { embedderStatus } from "@/lib/cache/embedders/select";
import { getVectorStore, vectorStoreStatus } from "@/lib/cache/vector-stores/select";
import { getDb } from "@/lib/store/db";
import { piiStats } from "@/lib/store/pii-stats";
import { spendReport } from "@/lib/store/usage-rollups";
import { nowMs } from "@/lib/cost/clock";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { usdFromMicros as usd } from "@/lib/cost/usd";

/** The last 24 hours' spend from the usage rollups, and the models whose requests have no price. */
async function costStats(db: PrismaClient) {
  const to = new Date(nowMs());
  const r = await spendReport(db, { groupBy: "model", from: new Date(to.getTime() - 86_400_000), to, granularity: "hour", limit: 1_000 });
  return {
    window: { from: r.from, to: r.to },
    requests: r.totals.requests,
    spend_usd: usd(r.totals.costMicros),
    cache_savings_usd: usd(r.totals.cacheSavingsMicros),
    swap_savings_usd: usd(r.totals.swapSavingsMicros),
    swaps: r.totals.swaps,
    // Flagged, never counted as $0: add a price (config or POST /helix/prices) for these.
    unknown_price_requests: r.totals.unknownCost,
    unknown_price_models: r.groups.filter((g) => g.unknownCost > 0).map((g) => ({ model: g.value, requests: g.unknownCost })),
  };
}

/**
 * GET /helix/stats: the cache's figures (hits by type, hit rates, what hits saved, sizes), PII
 * detections by entity type and action, and the last day's cost (null when the database cannot answer).
 */
export async function statsResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const semantic = getConfig().helix_settings.semantic_cache;
  const [metrics, answers, pii, cost] = await Promise.all([
    cacheMetrics().catch(() => undefined),
    getAnswerStore().stats().catch(() => undefined),
    getDb()
      .then((db) => piiStats(db))
      .catch(() => null),
    getDb()
      .then((db) => costStats(db))
      .catch(() => null),
  ]);
  const vectors = semantic.enabled ? await (await getVectorStore()).stats().catch(() => undefined) : undefined;
  return {
    cache: {
      ...(metrics ?? { metrics: "unavailable: the metrics store did not answer" }),
      entries: { answers: answers ?? null, vectors: vectors ?? null },
      answer_store: getAnswerStore().kind,
      vector_store: vectorStoreStatus(),
      embedder: embedderStatus(semantic),
    },
    pii,
    cost,
  };
}

/**
 * DELETE /helix/cache?all=true | ?model=<name> | ?tenant=<team:…|key:…> | ?entry=<hash>: drops
 * cached answers (and, by model or all, their vectors). A dropped answer's vector can no longer
 * serve a hit: lookups need the answer.
 */
export async function invalidateCacheResponse(request: Request) {
  await requireAdmin(request);
  const q = new URL(request.url).searchParams;
  const filter: AnswerFilter = {};
  if (q.get("all") === "true") filter.all = true;
  if (q.get("model")) filter.model = q.get("model")!;
  if (q.get("tenant")) filter.tenant = q.get("tenant")!;
  if (q.get("entry")) filter.hashes = [q.get("entry")!];
  if (!filter.all && filter.model === undefined && filter.tenant === undefined && !filter.hashes) {
    throw new InvalidRequestError("Say what to invalidate: ?all=true, ?model=<name>, ?tenant=<team:id|key:id> or ?entry=<hash>.", {
      param: "query",
    });
  }
  const answers = await getAnswerStore().delete(filter);
  let vectors = 0;
  const semantic = getConfig().helix_settings.semantic_cache;
  const active = embedderStatus(semantic).active;
  if (semantic.enabled && active && (filter.all || filter.model !== undefined || filter.hashes)) {
    const store = await getVectorStore();
    vectors = await store.delete(active, filter.all ? { all: true } : filter.model !== undefined ? { model: filter.model } : { ids: filter.hashes });
  }
  return { deleted: { answers, vectors } };
}
