// Cache-performance figures against known request logs; run on PGlite (cache-performance.test.ts)
// and on PostgreSQL (cache-performance.int.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { cachePerformance, similarityHistogram, teamThresholds } from "./cache-performance";

const NOW = new Date("2026-11-29T12:00:00Z");
const HOUR = 3_600_000;

function entry(id: string, hoursAgo: number, extra: Partial<RequestLogEntry>): RequestLogEntry {
  return {
    id,
    createdAt: new Date(NOW.getTime() - hoursAgo * HOUR - 60_000),
    endpoint: "chat.completions",
    requestedModel: "gpt-4o-mini",
    provider: "openai",
    status: 200,
    latencyMs: 20,
    costMicros: 0,
    costStatus: "priced",
    ...extra,
  };
}

export function cachePerformanceSuite(name: string, getDb: () => PrismaClient) {
  describe(`cache performance on ${name}`, () => {
    beforeAll(async () => {
      const db = getDb();
      const w = new RequestLogWriter({ db: async () => db, flushMs: 60_000, batchSize: 500 });
      // In the last 24 h: 20 misses (two carry a saved-ms figure that must not count), 6 exact
      // hits and 5 semantic hits; before it, one of each kind.
      for (let i = 0; i < 20; i++) w.enqueue(entry(`miss-${i}`, i % 20, { cacheStatus: "MISS", costMicros: 1_000, cacheSavedMs: i < 2 ? 500 : null }));
      for (let i = 0; i < 6; i++) w.enqueue(entry(`hit-${i}`, i, { cacheStatus: "HIT", cacheSavingsMicros: 1_000, cacheSavedMs: 300 }));
      [0.9, 0.905, 0.93, 1.0, 0.29].forEach((s, i) =>
        w.enqueue(entry(`sem-${i}`, 2 * i, { cacheStatus: "SEMANTIC_HIT", cacheSimilarity: s, cacheSavingsMicros: 2_000, cacheSavedMs: 200 })),
      );
      w.enqueue(entry("old-sem", 30, { cacheStatus: "SEMANTIC_HIT", cacheSimilarity: 0.95, cacheSavingsMicros: 2_000, cacheSavedMs: 200 }));
      w.enqueue(entry("old-hit", 30, { cacheStatus: "HIT", cacheSavingsMicros: 1_000, cacheSavedMs: 300 }));
      await w.close();
      await db.team.create({ data: { id: "tt1", name: "Research", semanticThreshold: 0.8 } });
      await db.team.create({ data: { id: "tt2", name: "Support" } });
    });

    it("splits hits into exact and semantic, with rates, cost and time avoided, from the rollups", async () => {
      const c = await cachePerformance(getDb(), 24 * HOUR, NOW);
      expect(c.granularity).toBe("hour");
      expect(c.current).toEqual({
        requests: 31,
        exactHits: 6,
        semanticHits: 5,
        hitRate: 11 / 31,
        exactHitRate: 6 / 31,
        semanticHitRate: 5 / 31,
        savingsMicros: 6 * 1_000 + 5 * 2_000,
        savedMs: 6 * 300 + 5 * 200,
      });
      // The series adds up to the totals, bucket by bucket in time order.
      expect(c.series.reduce((s, p) => s + p.exactHits, 0)).toBe(6);
      expect(c.series.reduce((s, p) => s + p.semanticHits, 0)).toBe(5);
      const times = c.series.map((p) => p.bucket.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // The newest hour (hoursAgo 0) holds miss-0, hit-0 and sem-0.
      expect(c.series.at(-1)).toMatchObject({ bucket: new Date("2026-11-29T11:00:00Z"), requests: 3, exactHits: 1, semanticHits: 1, savingsMicros: 3_000, savedMs: 500 });
    });

    it("buckets semantic hits by 0.01 of similarity, within the range only (1.0 in the top bucket)", async () => {
      const c = await cachePerformance(getDb(), 24 * HOUR, NOW);
      expect(c.similarity.width).toBe(0.01);
      expect(c.similarity.total).toBe(5);
      expect([...c.similarity.counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([
        [29, 1],
        [90, 2],
        [93, 1],
        [99, 1],
      ]);
      const wider = await similarityHistogram(getDb(), new Date(NOW.getTime() - 48 * HOUR), NOW);
      expect(wider.total).toBe(6);
      expect(wider.counts.get(95)).toBe(1);
    });

    it("has nothing to say for an empty range, without dividing by zero", async () => {
      const c = await cachePerformance(getDb(), HOUR, new Date("2020-01-01T00:00:00Z"));
      expect(c.granularity).toBe("minute");
      expect(c.current).toMatchObject({ requests: 0, hitRate: null, exactHitRate: null, semanticHitRate: null, savedMs: 0 });
      expect(c.series).toEqual([]);
      expect(c.similarity.total).toBe(0);
    });

    it("lists teams with their own semantic threshold", async () => {
      expect(await teamThresholds(getDb())).toEqual([{ team: "Research", threshold: 0.8 }]);
    });
  });
}
