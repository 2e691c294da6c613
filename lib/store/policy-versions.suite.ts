// The policy version store's behaviour, run on PGlite (policy-versions.test.ts) and PostgreSQL
// (policy-versions.int.test.ts).
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isPolicyVersionConflict, PolicyVersionConflict, PolicyVersionStore } from "./policy-versions";

export function policyVersionSuite(label: string, db: () => PrismaClient, other: () => PrismaClient = db) {
  describe(`policy versions (${label})`, () => {
    const store = () => new PolicyVersionStore(async () => db());

    it("starts empty, appends versions 1, 2, … and lists them newest first", async () => {
      const s = store();
      expect(await s.currentVersion()).toBe(0);
      expect(await s.latest()).toBeNull();
      expect(await s.history()).toEqual([]);
      const v1 = await s.append({ baseVersion: 0, settings: { cache: { ttl: 60 } }, createdBy: "dashboard:ada@example.com", comment: "shorter ttl" });
      expect(v1).toMatchObject({ version: 1, settings: { cache: { ttl: 60 } }, createdBy: "dashboard:ada@example.com", comment: "shorter ttl" });
      const v2 = await s.append({ baseVersion: 1, settings: { pii_protection: { action: "mask" } }, createdBy: "master" });
      expect(v2).toMatchObject({ version: 2, comment: null });
      expect(await s.currentVersion()).toBe(2);
      expect((await s.latest())?.settings).toEqual({ pii_protection: { action: "mask" } });
      expect((await s.history()).map((v) => v.version)).toEqual([2, 1]);
      expect((await s.history(1)).map((v) => v.version)).toEqual([2]);
      expect((await s.get(1))?.settings).toEqual({ cache: { ttl: 60 } });
      expect(await s.get(9)).toBeNull();
    });

    it("refuses a save from a stale or unknown base version (409 material), naming the current one", async () => {
      const s = store();
      const current = await s.currentVersion();
      await expect(s.append({ baseVersion: current - 1, settings: {}, createdBy: "master" })).rejects.toEqual(new PolicyVersionConflict(current));
      await expect(s.append({ baseVersion: current + 5, settings: {}, createdBy: "master" })).rejects.toBeInstanceOf(PolicyVersionConflict);
      expect(await s.currentVersion()).toBe(current);
    });

    it("of concurrent saves from the same base, exactly one lands", async () => {
      const a = store();
      const b = new PolicyVersionStore(async () => other());
      const base = await a.currentVersion();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).append({ baseVersion: base, settings: { cache: { ttl: 100 + i } }, createdBy: `writer-${i}` })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(isPolicyVersionConflict(r.reason)).toBe(true);
      expect(await a.currentVersion()).toBe(base + 1);
      expect(await b.currentVersion()).toBe(base + 1);
    });
  });
}
