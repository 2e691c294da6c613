// The overview's figures against the same figures computed from request_logs, on PGlite.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { PiiIncidentWriter } from "@/lib/store/pii-incidents";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { REPO_MIGRATIONS_DIR, tempDir } from "@/lib/store/test-support";
import { granularityFor, overview } from "./overview";

const tmp = tempDir();
let h: DbHandle;
const NOW = new Date("2026-11-29T12:00:00Z");
const HOUR = 3_600_000;

function entry(i: number, hoursAgo: number, extra: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    id: `ov-${i}`,
    createdAt: new Date(NOW.getTime() - hoursAgo * HOUR - 1_000),
    endpoint: "chat.completions",
    requestedModel: "gpt-4o-mini",
    provider: "openai",
    status: 200,
    latencyMs: 100 + i,
    inputTokens: 10,
    outputTokens: 5,
    costMicros: 1_000,
    costStatus: "priced",
    ...extra,
  };
}

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  const w = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000, batchSize: 500 });
  // Last 24 h: 40 requests (4 errors, 10 cache hits saving 1,000 each); the 24 h before: 10.
  for (let i = 0; i < 40; i++) {
    const hit = i < 10;
    w.enqueue(entry(i, i % 23, { status: i >= 36 ? 500 : 200, cacheStatus: hit ? "HIT" : "MISS", costMicros: hit ? 0 : 1_000, cacheSavingsMicros: hit ? 1_000 : null }));
  }
  for (let i = 40; i < 50; i++) w.enqueue(entry(i, 30));
  await w.close();
  // Through the incident writer, which keeps pii_rollups (what the overview reads).
  const pii = new PiiIncidentWriter({ db: async () => h.prisma, flushMs: 60_000, batchSize: 500 });
  pii.enqueue({ createdAt: new Date(NOW.getTime() - 2 * HOUR), requestId: "ov-1", entityType: "EMAIL_ADDRESS", count: 2, action: "redact", policy: "config", recognizer: "email", score: 1, location: "messages" });
  pii.enqueue({ createdAt: new Date(NOW.getTime() - 30 * HOUR), requestId: "ov-41", entityType: "PHONE_NUMBER", count: 1, action: "mask", policy: "config", recognizer: "phone", score: 1, location: "messages" });
  await pii.close();
});
afterAll(async () => {
  await h?.close();
  tmp.remove();
});

describe("dashboard overview", () => {
  it("sums the range and the range before it from the rollups, with latency percentiles and PII", async () => {
    const o = await overview(h.prisma, 24 * HOUR, NOW);
    expect(o.granularity).toBe("hour");
    expect(o.current).toMatchObject({
      requests: 40,
      errors: 4,
      errorRate: 0.1,
      spendMicros: 30_000,
      cacheHits: 10,
      cacheHitRate: 0.25,
      cacheSavingsMicros: 10_000,
      inputTokens: 400,
      outputTokens: 200,
      piiDetections: 2,
    });
    // Latencies 100..139 ms sit in the 100–250 ms bucket.
    expect(o.current.latencyP50Ms).toBeGreaterThan(100);
    expect(o.current.latencyP95Ms).toBeLessThanOrEqual(250);
    expect(o.previous).toMatchObject({ requests: 10, spendMicros: 10_000, piiDetections: 1, cacheHitRate: 0 });
    expect(o.series.reduce((s, b) => s + b.requests, 0)).toBe(40);
  });

  it("has nothing to say for an empty range, without dividing by zero", async () => {
    const o = await overview(h.prisma, 3_600_000, new Date("2020-01-01T00:00:00Z"));
    expect(o.granularity).toBe("minute");
    expect(o.current).toMatchObject({ requests: 0, errorRate: null, cacheHitRate: null, latencyP50Ms: null });
    expect(o.series).toEqual([]);
  });

  it("picks buckets by range length", () => {
    expect([granularityFor(HOUR), granularityFor(24 * HOUR), granularityFor(30 * 24 * HOUR)]).toEqual(["minute", "hour", "day"]);
  });
});
