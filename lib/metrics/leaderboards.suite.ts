// The leaderboard tests, run on PGlite (leaderboards.test.ts) and PostgreSQL
// (leaderboards.int.test.ts) against known rollup rows.
import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { leaderboards } from "./leaderboards";
import { HOUR, NOW, seedDashboardFixture } from "./dashboard-fixture.suite";

export function leaderboardSuite(name: string, db: () => PrismaClient) {
  describe(`leaderboards on ${name}`, () => {
    beforeAll(async () => {
      await seedDashboardFixture(db());
    });

    it("ranks each dimension by spend with requests, tokens, hit rate and cost per request", async () => {
      const l = await leaderboards(db(), { rangeMs: 24 * HOUR, to: NOW });
      expect(l.boards.team.map((e) => [e.value, e.spendMicros])).toEqual([
        ["t-platform", 8_000],
        ["t-research", 6_000],
        ["team-gone", 1_000],
        ["t-support", 500],
      ]);
      expect(l.boards.team[0]).toMatchObject({ requests: 8, inputTokens: 80, outputTokens: 40, cacheHits: 1, cacheHitRate: 1 / 8, avgCostMicros: 1_000 });
      expect(l.boards.user.map((e) => e.value)).toEqual(["u-ada", "u-bob"]);
      expect(l.boards.user[0].cacheHitRate).toBe(0.5);
      expect(l.boards.key.map((e) => e.value)).toEqual(["k-prod", "b".repeat(64), "c".repeat(64)]);
      expect(l.boards.end_user).toMatchObject([{ value: "customer-42", spendMicros: 4_000 }]);
      expect(l.boards.model.map((e) => e.value)).toEqual(["gpt-4o", "mystery-model", "odd-model"]);
    });

    it("cuts each board to its size", async () => {
      const l = await leaderboards(db(), { rangeMs: 24 * HOUR, to: NOW, size: 2 });
      expect(l.boards.team.map((e) => e.value)).toEqual(["t-platform", "t-research"]);
      expect(l.boards.key).toHaveLength(2);
    });

    it("gives average and p95 latency per model from the histogram", async () => {
      const l = await leaderboards(db(), { rangeMs: 24 * HOUR, to: NOW });
      const gpt = l.boards.model.find((e) => e.value === "gpt-4o")!;
      expect(gpt.avgLatencyMs).toBe(162.5); // 1,300 ms over 8 requests
      // 3 requests ≤ 100 ms and 5 in (100, 250]: the p95 lies in the upper bucket.
      expect(gpt.p95LatencyMs).toBeGreaterThan(100);
      expect(gpt.p95LatencyMs).toBeLessThanOrEqual(250);
      const odd = l.boards.model.find((e) => e.value === "odd-model")!;
      expect(odd.p95LatencyMs).toBeLessThanOrEqual(100);
    });

    it("counts requests by UTC hour of day and by day of week", async () => {
      const l = await leaderboards(db(), { rangeMs: 24 * HOUR, to: NOW });
      expect(l.patterns.byHour).toHaveLength(24);
      expect(l.patterns.byHour[10]).toEqual({ hour: 10, requests: 10, spendMicros: 14_000 });
      expect(l.patterns.byHour[9].requests).toBe(3);
      expect(l.patterns.byHour[23].requests).toBe(1);
      expect(l.patterns.byHour.reduce((s, h) => s + h.requests, 0)).toBe(14);
      expect(l.patterns.byWeekday[0].requests).toBe(13); // Sunday 29 November
      expect(l.patterns.byWeekday[6].requests).toBe(1); // Saturday 28 November
      // A week back: the row of 26 November (a Thursday) counts too.
      const week = await leaderboards(db(), { rangeMs: 7 * 24 * HOUR, to: NOW });
      expect(week.patterns.byWeekday[4].requests).toBe(100);
    });

    it("is empty for a range without traffic", async () => {
      const l = await leaderboards(db(), { rangeMs: 24 * HOUR, to: new Date("2020-01-01T00:00:00Z") });
      expect(Object.values(l.boards).every((b) => b.length === 0)).toBe(true);
      expect(l.patterns.byHour.every((h) => h.requests === 0)).toBe(true);
    });
  });
}
