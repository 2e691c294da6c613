// The usage-rollup tests, run on PGlite (usage-rollups.test.ts) and on PostgreSQL
// (usage-rollups.int.test.ts): rollups are compared with the same sums computed from request_logs.
import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { RequestLogWriter, type RequestLogEntry } from "./request-log";
import { ROLLUP_DIMENSIONS, ROLLUP_GRANULARITIES, latencyHistogram, spendReport, spendSince, type RollupDimension } from "./usage-rollups";
import { LATENCY_BOUNDS_MS, LATENCY_COLUMNS, latencyBucketFilters, latencyPercentile } from "./latency-histogram";

/** Each dimension's value in request_logs, written independently of the code under test. */
const LOG_VALUE: Record<RollupDimension, string> = {
  global: "''",
  key: "COALESCE(api_key_id, key_hash)",
  user: "user_id",
  team: "team_id",
  org: "org_id",
  end_user: "end_user",
  model: "requested_model",
  provider: "provider",
};

const BASE = Date.parse("2026-03-01T21:37:00.000Z");

/** A small deterministic generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** N varied rows over ~3 days (many minute, hour and day buckets), with every dimension sometimes missing. */
export function sampleEntries(n: number, prefix: string, seed = 7): RequestLogEntry[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const registered = r() < 0.7;
    const costStatus = pick(r, ["priced", "priced", "estimated", "unknown", "none"] as const);
    return {
      id: `${prefix}-${i}`,
      createdAt: new Date(BASE + Math.floor(r() * 3 * 86_400_000)),
      endpoint: "chat.completions",
      apiKeyId: registered ? pick(r, ["k1", "k2", "k3"]) : null,
      keyHash: registered ? null : pick(r, ["h1", "h2", null]),
      userId: pick(r, ["u1", "u2", null]),
      teamId: pick(r, ["t1", "t2", "t3", null]),
      orgId: pick(r, ["o1", null]),
      endUser: pick(r, ["alice", "bob", "", null]),
      requestedModel: pick(r, ["gpt-4o", "gpt-4o-mini", "claude-sonnet"]),
      provider: pick(r, ["openai", "anthropic", null]),
      status: pick(r, [200, 200, 200, 429, 500, 499]),
      cacheStatus: pick(r, ["HIT", "SEMANTIC_HIT", "MISS", "BYPASS", null]),
      latencyMs: r() < 0.05 ? 60_000 + Math.floor(r() * 10_000) : Math.floor(r() * 5000),
      inputTokens: r() < 0.9 ? Math.floor(r() * 10_000) : null,
      outputTokens: r() < 0.9 ? Math.floor(r() * 2_000) : null,
      costMicros: costStatus === "unknown" ? null : costStatus === "none" ? 0 : Math.floor(r() * 50_000),
      costStatus,
      cacheSavingsMicros: r() < 0.3 ? Math.floor(r() * 20_000) : null,
      // Set on some misses too: only hits may count as time avoided.
      cacheSavedMs: r() < 0.4 ? Math.floor(r() * 3_000) : null,
      swapRule: r() < 0.2 ? "cheap-for-short" : null,
      swapSavingsMicros: r() < 0.2 ? Math.floor(r() * 9_000) - 1_000 : null,
    };
  });
}

const EXPECTED_COUNTERS =
  `count(*)::float8 AS requests, (count(*) FILTER (WHERE status >= 400))::float8 AS errors, ` +
  `COALESCE(sum(input_tokens), 0)::float8 AS input_tokens, COALESCE(sum(output_tokens), 0)::float8 AS output_tokens, ` +
  `COALESCE(sum(cost_micros), 0)::float8 AS cost_micros, ` +
  `(count(*) FILTER (WHERE cache_status IN ('HIT', 'SEMANTIC_HIT')))::float8 AS cache_hits, ` +
  `(count(*) FILTER (WHERE cache_status = 'SEMANTIC_HIT'))::float8 AS semantic_hits, ` +
  `COALESCE(sum(cache_savings_micros), 0)::float8 AS cache_savings_micros, ` +
  `COALESCE(sum(cache_saved_ms) FILTER (WHERE cache_status IN ('HIT', 'SEMANTIC_HIT')), 0)::float8 AS cache_saved_ms_sum, ` +
  `(count(*) FILTER (WHERE swap_rule IS NOT NULL))::float8 AS swaps, COALESCE(sum(swap_savings_micros), 0)::float8 AS swap_savings_micros, ` +
  `(count(*) FILTER (WHERE cost_status = 'unknown'))::float8 AS unknown_cost, COALESCE(sum(latency_ms), 0)::float8 AS latency_ms_sum, ` +
  latencyBucketFilters("request_logs").map((f, k) => `(count(*) FILTER (WHERE ${f}))::float8 AS ${LATENCY_COLUMNS[k]}`).join(", ");

const ROLLUP_COUNTERS =
  "requests::float8 AS requests, errors::float8 AS errors, input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens, " +
  "cost_micros::float8 AS cost_micros, cache_hits::float8 AS cache_hits, semantic_hits::float8 AS semantic_hits, " +
  "cache_savings_micros::float8 AS cache_savings_micros, cache_saved_ms_sum::float8 AS cache_saved_ms_sum, swaps::float8 AS swaps, swap_savings_micros::float8 AS swap_savings_micros, " +
  "unknown_cost::float8 AS unknown_cost, latency_ms_sum::float8 AS latency_ms_sum, " +
  LATENCY_COLUMNS.map((c) => `${c}::float8 AS ${c}`).join(", ");

type Agg = Record<string, unknown>;

/** request_logs aggregated per bucket and value of one dimension at one granularity. */
async function fromLogs(db: PrismaClient, g: string, d: RollupDimension): Promise<Agg[]> {
  return db.$queryRawUnsafe<Agg[]>(
    `SELECT to_char(date_trunc('${g}', created_at), 'YYYY-MM-DD HH24:MI') AS bucket, ${LOG_VALUE[d]} AS value, ${EXPECTED_COUNTERS} ` +
      `FROM request_logs WHERE ${LOG_VALUE[d]} IS NOT NULL AND (${LOG_VALUE[d]} <> '' OR '${d}' = 'global') ` +
      `GROUP BY 1, 2 ORDER BY 1, 2`,
  );
}

async function fromRollups(db: PrismaClient, g: string, d: RollupDimension): Promise<Agg[]> {
  return db.$queryRawUnsafe<Agg[]>(
    `SELECT to_char(bucket, 'YYYY-MM-DD HH24:MI') AS bucket, value, ${ROLLUP_COUNTERS} FROM usage_rollups ` +
      `WHERE granularity = $1 AND dimension = $2 ORDER BY 1, 2`,
    g,
    d,
  );
}

async function logSpend(db: PrismaClient, d: RollupDimension, value: string, since: Date): Promise<number> {
  const rows = await db.$queryRawUnsafe<Array<{ s: number }>>(
    `SELECT COALESCE(sum(cost_micros), 0)::float8 AS s FROM request_logs WHERE created_at >= $1::timestamp(3) AND ${LOG_VALUE[d]} = $2`,
    since.toISOString(),
    d === "global" ? "" : value,
  );
  return Number(rows[0].s);
}

async function write(db: PrismaClient, entries: RequestLogEntry[], batchSize = 500) {
  const w = new RequestLogWriter({ db: async () => db, flushMs: 60_000, batchSize });
  for (const e of entries) w.enqueue(e);
  return w.close();
}

async function expectRollupsMatchLogs(db: PrismaClient) {
  for (const g of ROLLUP_GRANULARITIES) {
    for (const d of ROLLUP_DIMENSIONS) {
      const [expected, actual] = await Promise.all([fromLogs(db, g, d), fromRollups(db, g, d)]);
      expect(actual, `${g} × ${d}`).toEqual(expected);
    }
  }
}

export function usageRollupSuite(name: string, getDb: () => PrismaClient) {
  describe(`usage rollups on ${name}`, () => {
    beforeEach(async () => {
      const db = getDb();
      await db.$executeRawUnsafe("DELETE FROM request_logs");
      await db.$executeRawUnsafe("DELETE FROM usage_rollups");
    });

    it("give latency percentiles within the bucket of the exact value (p50, p95, p99)", async () => {
      const db = getDb();
      await write(db, sampleEntries(900, "lat"));
      const from = new Date(0);
      const to = new Date(Date.now() + 86_400_000);
      const hist = await latencyHistogram(db, { dimension: "global", from, to, granularity: "day" });
      expect(hist.reduce((a, b) => a + b, 0)).toBe(900);
      const bucketOf = (ms: number) => LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
      for (const p of [0.5, 0.95, 0.99]) {
        const [exact] = await db.$queryRawUnsafe<Array<{ v: number }>>(
          `SELECT percentile_disc(${p}) WITHIN GROUP (ORDER BY latency_ms)::float8 AS v FROM request_logs`,
        );
        const estimate = latencyPercentile(hist, p)!;
        const b = bucketOf(exact.v);
        const lower = b <= 0 ? 0 : LATENCY_BOUNDS_MS[b - 1];
        const upper = b === -1 ? LATENCY_BOUNDS_MS.at(-1)! : LATENCY_BOUNDS_MS[b];
        expect(estimate, `p${p * 100}: exact ${exact.v}`).toBeGreaterThanOrEqual(b === -1 ? upper : lower);
        expect(estimate, `p${p * 100}: exact ${exact.v}`).toBeLessThanOrEqual(upper);
      }
    });

    it("equal the sums over request_logs for every granularity and dimension, across batches", async () => {
      const db = getDb();
      const entries = sampleEntries(900, "sum");
      // Batches of 200 hit the same buckets again: the upsert adds, never overwrites.
      expect(await write(db, entries, 200)).toMatchObject({ written: 900, dropped: 0, failedFlushes: 0 });
      await expectRollupsMatchLogs(db);
      // Spot check against the generated data itself, not only SQL against SQL.
      const all = await db.$queryRawUnsafe<Array<{ n: number; c: number }>>(
        "SELECT sum(requests)::float8 AS n, sum(cost_micros)::float8 AS c FROM usage_rollups WHERE granularity = 'day' AND dimension = 'global'",
      );
      expect(Number(all[0].n)).toBe(900);
      expect(Number(all[0].c)).toBe(entries.reduce((s, e) => s + (e.costMicros ?? 0), 0));
      const saved = await db.$queryRawUnsafe<Array<{ ms: number }>>(
        "SELECT sum(cache_saved_ms_sum)::float8 AS ms FROM usage_rollups WHERE granularity = 'hour' AND dimension = 'global'",
      );
      const hit = (e: RequestLogEntry) => e.cacheStatus === "HIT" || e.cacheStatus === "SEMANTIC_HIT";
      const expectedSaved = entries.reduce((s, e) => s + (hit(e) ? (e.cacheSavedMs ?? 0) : 0), 0);
      expect(expectedSaved).toBeGreaterThan(0);
      expect(Number(saved[0].ms)).toBe(expectedSaved);
      const dims = await db.$queryRawUnsafe<Array<{ dimension: string }>>("SELECT DISTINCT dimension FROM usage_rollups ORDER BY 1");
      expect(dims.map((r) => r.dimension)).toEqual([...ROLLUP_DIMENSIONS].sort());
      const empty = await db.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM usage_rollups WHERE value = '' AND dimension <> 'global'");
      expect(empty[0].n).toBe(0);
    });

    it("count a request id once: duplicates in a batch, in a later batch and a replayed batch are not added", async () => {
      const db = getDb();
      const entries = sampleEntries(120, "dup", 11);
      await write(db, entries);
      const before = await fromRollups(db, "minute", "global");
      // The same ids again with other numbers (a replay after a lost reply, a buggy caller).
      const again = entries.map((e) => ({ ...e, costMicros: 999_999, status: 500 }));
      expect(await write(db, again)).toMatchObject({ written: 0, dropped: 0 });
      // Within one batch: the second row with an id is ignored too.
      const twice = sampleEntries(2, "twice", 5);
      expect(await write(db, [twice[0], { ...twice[0], costMicros: 5 }, twice[1]])).toMatchObject({ written: 2, dropped: 0 });
      await expectRollupsMatchLogs(db);
      const requests = await db.$queryRawUnsafe<Array<{ n: number }>>(
        "SELECT sum(requests)::int AS n FROM usage_rollups WHERE granularity = 'hour' AND dimension = 'global'",
      );
      expect(requests[0].n).toBe(122);
      expect((await fromRollups(db, "minute", "global")).length).toBeGreaterThanOrEqual(before.length);
    });

    it("a row the database refuses is dropped with its rollup contribution; the rest of the batch counts", async () => {
      const db = getDb();
      const entries = sampleEntries(5, "poison", 3);
      entries[2] = { ...entries[2], errorMessage: "nul \u0000 byte" };
      expect(await write(db, entries)).toMatchObject({ written: 4, dropped: 1 });
      await expectRollupsMatchLogs(db);
    });

    it("spendSince equals the cost logged since any minute-aligned instant, across day, hour and minute edges", async () => {
      const db = getDb();
      await write(db, sampleEntries(700, "since", 23));
      const instants = [
        "2026-03-01T00:00:00Z", // before everything
        "2026-03-01T21:37:00Z", // the first row's minute
        "2026-03-02T00:00:00Z", // a day boundary
        "2026-03-02T05:00:00Z", // an hour boundary
        "2026-03-02T05:59:00Z", // the last minute of an hour
        "2026-03-02T23:01:00Z", // a minute after an hour, the day's last hour
        "2026-03-03T13:47:00Z",
        "2026-03-04T21:36:00Z", // near the end
        "2026-03-09T00:00:00Z", // after everything
      ].map((s) => new Date(s));
      for (const since of instants) {
        for (const [d, v] of [["global", ""], ["team", "t2"], ["key", "k1"], ["key", "h1"], ["end_user", "alice"], ["model", "gpt-4o"]] as const) {
          expect(await spendSince(db, d, v, since), `${d}=${v} since ${since.toISOString()}`).toBe(await logSpend(db, d, v, since));
        }
      }
      // "global" ignores the value; an unknown value has spent nothing.
      expect(await spendSince(db, "global", "anything", instants[0])).toBe(await logSpend(db, "global", "", instants[0]));
      expect(await spendSince(db, "team", "nobody", instants[0])).toBe(0);
      // Inside a minute: the whole minute counts (never less than what was spent since).
      const inside = new Date("2026-03-02T05:59:30.500Z");
      expect(await spendSince(db, "global", "", inside)).toBe(await logSpend(db, "global", "", new Date("2026-03-02T05:59:00Z")));
    });

    it("spendReport: groups, totals, what has no value, series and a filter, all from the rollups", async () => {
      const db = getDb();
      const entries = sampleEntries(400, "report", 31);
      await write(db, entries);
      // Only rollups are read: emptying request_logs changes nothing.
      await db.$executeRawUnsafe("DELETE FROM request_logs");
      const from = new Date("2026-03-02T00:00:00Z");
      const to = new Date("2026-03-03T00:00:00Z");
      const inRange = entries.filter((e) => e.createdAt! >= from && e.createdAt! < to);
      const cost = (xs: RequestLogEntry[]) => xs.reduce((s, e) => s + (e.costMicros ?? 0), 0);

      const report = await spendReport(db, { groupBy: "team", from, to, granularity: "hour" });
      expect(report.from).toEqual(from);
      expect(report.to).toEqual(to);
      expect(report.totals.requests).toBe(inRange.length);
      expect(report.totals.costMicros).toBe(cost(inRange));
      expect(report.totals.unknownCost).toBe(inRange.filter((e) => e.costStatus === "unknown").length);
      expect(report.groups.map((g) => g.value).sort()).toEqual(["t1", "t2", "t3"]);
      for (const g of report.groups) {
        const mine = inRange.filter((e) => e.teamId === g.value);
        expect(g).toMatchObject({ requests: mine.length, costMicros: cost(mine), errors: mine.filter((e) => e.status >= 400).length });
      }
      const costs = report.groups.map((g) => g.costMicros);
      expect(costs).toEqual([...costs].sort((a, b) => b - a));
      expect(report.groupCount).toBe(3);
      const noTeam = inRange.filter((e) => e.teamId == null);
      expect(report.unattributed).toMatchObject({ requests: noTeam.length, costMicros: cost(noTeam) });
      // The series sums back to the groups, one point per non-empty hour and team.
      for (const g of report.groups) {
        const points = report.series.filter((p) => p.value === g.value);
        expect(points.reduce((s, p) => s + p.costMicros, 0)).toBe(g.costMicros);
        expect(points.reduce((s, p) => s + p.requests, 0)).toBe(g.requests);
        for (const p of points) expect(p.bucket.getTime() % 3_600_000).toBe(0);
      }

      const one = await spendReport(db, { groupBy: "team", value: "t2", from, to, granularity: "day" });
      const t2 = inRange.filter((e) => e.teamId === "t2");
      expect(one.groups).toEqual([expect.objectContaining({ value: "t2", requests: t2.length, costMicros: cost(t2) })]);
      expect(one.totals).toMatchObject({ requests: t2.length, costMicros: cost(t2) });
      expect(one.unattributed).toBeNull();
      expect(one.series).toHaveLength(1);

      const top = await spendReport(db, { groupBy: "model", from, to, granularity: "day", limit: 1 });
      expect(top.groups).toHaveLength(1);
      expect(top.groupCount).toBe(3);
      expect(top.series.every((p) => p.value === top.groups[0].value)).toBe(true);

      // A range inside buckets is widened to whole buckets.
      const widened = await spendReport(db, { groupBy: "model", from: new Date("2026-03-02T10:15:00Z"), to: new Date("2026-03-02T11:05:00Z"), granularity: "hour" });
      expect(widened.from).toEqual(new Date("2026-03-02T10:00:00Z"));
      expect(widened.to).toEqual(new Date("2026-03-02T12:00:00Z"));
    });
  });
}
