// The cost-analysis and label tests, run on PGlite (cost-analysis.test.ts) and PostgreSQL
// (cost-analysis.int.test.ts) against known rollup rows.
import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { costAnalysis } from "./cost-analysis";
import { resolveLabels, resolveMixedLabels } from "./labels";
import { HOUR, NOW, seedDashboardFixture } from "./dashboard-fixture.suite";

export function costAnalysisSuite(name: string, db: () => PrismaClient) {
  describe(`cost analysis on ${name}`, () => {
    beforeAll(async () => {
      await seedDashboardFixture(db());
    });

    it("ranks the top values by spend, sums the rest as other and keeps unattributed spend apart", async () => {
      const c = await costAnalysis(db(), { dimension: "team", rangeMs: 24 * HOUR, to: NOW, top: 2 });
      expect(c.granularity).toBe("hour");
      expect(c.from.toISOString()).toBe("2026-11-28T12:00:00.000Z");
      expect(c.totals).toMatchObject({ requests: 14, costMicros: 17_500, cacheSavingsMicros: 800, swapSavingsMicros: 300, swaps: 1, unknownCost: 5 });
      expect(c.groups.map((g) => [g.value, g.costMicros, g.requests])).toEqual([
        ["t-platform", 8_000, 8],
        ["t-research", 6_000, 2],
      ]);
      expect(c.groups[0]).toMatchObject({ inputTokens: 80, outputTokens: 40, cacheSavingsMicros: 400 });
      // team-gone (1,000) and t-support (500); the old t-support row is outside the range.
      expect(c.other).toMatchObject({ values: 2, costMicros: 1_500, requests: 2 });
      expect(c.unattributed).toMatchObject({ costMicros: 2_000, requests: 2 });
    });

    it("gives a series per bucket: top values, the rest as other, and the savings", async () => {
      const c = await costAnalysis(db(), { dimension: "team", rangeMs: 24 * HOUR, to: NOW, top: 2 });
      expect(c.series.map((b) => b.bucket.toISOString())).toEqual(["2026-11-28T23:00:00.000Z", "2026-11-29T09:00:00.000Z", "2026-11-29T10:00:00.000Z"]);
      const [b23, b09, b10] = c.series;
      expect(b23).toMatchObject({ byValue: {}, otherMicros: 500, spendMicros: 500 });
      expect(b09).toMatchObject({ byValue: { "t-platform": 3_000 }, otherMicros: 0, cacheSavingsMicros: 100 });
      expect(b10).toMatchObject({ byValue: { "t-platform": 5_000, "t-research": 6_000 }, otherMicros: 3_000, cacheSavingsMicros: 700, swapSavingsMicros: 300, swaps: 1, unknownCost: 5 });
      // Every bucket adds up to the total, and "other" holds other values plus unattributed spend.
      expect(c.series.reduce((s, b) => s + b.otherMicros, 0)).toBe(c.other.costMicros + c.unattributed.costMicros);
    });

    it("lists requests without a price per model, most first", async () => {
      const c = await costAnalysis(db(), { dimension: "model", rangeMs: 24 * HOUR, to: NOW });
      expect(c.unknownByModel).toEqual([
        { model: "mystery-model", requests: 3 },
        { model: "odd-model", requests: 2 },
      ]);
      expect(c.groups[0]).toMatchObject({ value: "gpt-4o", costMicros: 17_500 });
    });

    it("reads day rows for a 30-day range", async () => {
      const c = await costAnalysis(db(), { dimension: "team", rangeMs: 30 * 24 * HOUR, to: NOW, top: 1 });
      expect(c.granularity).toBe("day");
      expect(c.groups.map((g) => [g.value, g.costMicros])).toEqual([["t-support", 50_000]]);
      expect(c.other).toMatchObject({ values: 1, costMicros: 8_000 });
      expect(c.totals.costMicros).toBe(67_000);
    });

    it("is empty for a range without traffic", async () => {
      const c = await costAnalysis(db(), { dimension: "key", rangeMs: 24 * HOUR, to: new Date("2020-01-01T00:00:00Z") });
      expect(c.groups).toEqual([]);
      expect(c.series).toEqual([]);
      expect(c.unknownByModel).toEqual([]);
      expect(c.totals.costMicros).toBe(0);
      expect(c.other).toMatchObject({ values: 0, costMicros: 0, requests: 0 });
    });

    it("names keys (by id or hash), teams and users, and shows the id of deleted ones", async () => {
      const teams = await resolveLabels(db(), "team", ["t-platform", "team-gone"]);
      expect(teams.get("t-platform")).toEqual({ name: "Platform", known: true });
      expect(teams.get("team-gone")).toEqual({ name: "team-gone", known: false });
      const keys = await resolveLabels(db(), "key", ["k-prod", "b".repeat(64), "c".repeat(64)]);
      expect(keys.get("k-prod")?.name).toBe("prod key");
      expect(keys.get("b".repeat(64))?.name).toBe("dev key");
      expect(keys.get("c".repeat(64))).toEqual({ name: "c".repeat(64), known: false });
      const users = await resolveLabels(db(), "user", ["u-ada", "u-bob"]);
      expect([users.get("u-ada")?.name, users.get("u-bob")?.name]).toEqual(["Ada", "bob@example.com"]);
      expect((await resolveLabels(db(), "end_user", ["customer-42"])).get("customer-42")).toEqual({ name: "customer-42", known: true });
      const mixed = await resolveMixedLabels(db(), [
        { kind: "key", id: "k-dev" },
        { kind: "team", id: "t-research" },
        { kind: "global", id: "global" },
      ]);
      expect([mixed("key", "k-dev").name, mixed("team", "t-research").name, mixed("global", "global").name]).toEqual(["dev key", "Research", "All traffic"]);
    });
  });
}
