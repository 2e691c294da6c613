// The behaviour every VectorStore must have, as one suite each backend's test file runs against its
// own instance. Each test uses its own embedder ids so a shared store needs no cleanup in between.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VectorStore } from "../types";
import { axis, dot, nudge, randomUnit, rng } from "./vectors";

export interface ContractTarget {
  store: VectorStore;
  cleanup(): Promise<void>;
}

let counter = 0;
/** A fresh embedder id per test. */
function emb(tag: string): string {
  return `t${++counter}-${tag}`;
}

const HOUR = 3_600_000;

export function describeVectorStoreContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let target: ContractTarget;
    let store: VectorStore;
    beforeAll(async () => {
      target = await open();
      store = target.store;
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it("returns the nearest neighbours in the scope, best first, with cosine similarity", async () => {
      const e = emb("nn");
      await store.ensureIndex(e, 64);
      const next = rng(7);
      const vectors = Array.from({ length: 60 }, () => randomUnit(64, next));
      for (const [i, v] of vectors.entries()) await store.upsert(e, { id: `v${i}`, scope: "s", vector: v, expiresAt: Date.now() + HOUR });

      const query = nudge(vectors[17], 0.05, next);
      const hits = await store.search(e, "s", query, 5);
      const expected = vectors
        .map((v, i) => ({ id: `v${i}`, similarity: dot(v, query) }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, 5);
      expect(hits.map((h) => h.id)).toEqual(expected.map((x) => x.id));
      expect(hits[0].id).toBe("v17");
      for (const [i, h] of hits.entries()) expect(h.similarity).toBeCloseTo(expected[i].similarity, 4);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].similarity).toBeGreaterThanOrEqual(hits[i].similarity);
    });

    it("reports exact similarities: identical 1, orthogonal 0, opposite -1", async () => {
      const e = emb("sim");
      await store.ensureIndex(e, 8);
      const exp = Date.now() + HOUR;
      await store.upsert(e, { id: "same", scope: "s", vector: axis(8, 0), expiresAt: exp });
      await store.upsert(e, { id: "orth", scope: "s", vector: axis(8, 1), expiresAt: exp });
      await store.upsert(e, { id: "opp", scope: "s", vector: axis(8, 0, -1), expiresAt: exp });
      const hits = await store.search(e, "s", axis(8, 0), 3);
      expect(hits.map((h) => h.id)).toEqual(["same", "orth", "opp"]);
      expect(hits[0].similarity).toBeCloseTo(1, 5);
      expect(hits[1].similarity).toBeCloseTo(0, 5);
      expect(hits[2].similarity).toBeCloseTo(-1, 5);
    });

    it("never returns an entry from another scope, even an identical vector", async () => {
      const e = emb("scope");
      await store.ensureIndex(e, 16);
      const next = rng(11);
      const v = randomUnit(16, next);
      const exp = Date.now() + HOUR;
      await store.upsert(e, { id: "other", scope: "tenant-b", vector: v, expiresAt: exp });
      await store.upsert(e, { id: "mine", scope: "tenant-a", vector: nudge(v, 0.5, next), expiresAt: exp });
      // Scopes that differ only in case or by TAG-special characters must not meet either.
      await store.upsert(e, { id: "upper", scope: "TENANT-A", vector: v, expiresAt: exp });
      await store.upsert(e, { id: "special", scope: "tenant a,b", vector: v, expiresAt: exp });

      expect((await store.search(e, "tenant-a", v, 10)).map((h) => h.id)).toEqual(["mine"]);
      expect((await store.search(e, "tenant-b", v, 10)).map((h) => h.id)).toEqual(["other"]);
      expect((await store.search(e, "TENANT-A", v, 10)).map((h) => h.id)).toEqual(["upper"]);
      expect(await store.search(e, "tenant-c", v, 10)).toEqual([]);
      expect(await store.search(e, "tenant", v, 10)).toEqual([]);
    });

    it("does not return expired entries", async () => {
      const e = emb("exp");
      await store.ensureIndex(e, 8);
      await store.upsert(e, { id: "old", scope: "s", vector: axis(8, 0), expiresAt: Date.now() - 1_000 });
      await store.upsert(e, { id: "soon", scope: "s", vector: axis(8, 0), expiresAt: Date.now() + 400 });
      await store.upsert(e, { id: "live", scope: "s", vector: axis(8, 1), expiresAt: Date.now() + HOUR });
      expect((await store.search(e, "s", axis(8, 0), 10)).map((h) => h.id)).toEqual(["soon", "live"]);
      await new Promise((r) => setTimeout(r, 600));
      expect((await store.search(e, "s", axis(8, 0), 10)).map((h) => h.id)).toEqual(["live"]);
    });

    it("deletes by ids, scope, model and all, and says how many", async () => {
      const e = emb("del");
      await store.ensureIndex(e, 8);
      const exp = Date.now() + HOUR;
      const put = (id: string, scope: string, model?: string, i = 0) => store.upsert(e, { id, scope, model, vector: axis(8, i), expiresAt: exp });
      await put("a1", "A", "gpt-4o");
      await put("a2", "A", "claude-3", 1);
      await put("b1", "B", "gpt-4o");
      await put("b2", "B", undefined, 2);
      await put("c1", "C", "gpt-4o");
      const ids = async (scope: string) => (await store.search(e, scope, axis(8, 0), 10)).map((h) => h.id).sort();

      expect(await store.delete(e, { ids: ["a1", "missing"] })).toBe(1);
      expect(await ids("A")).toEqual(["a2"]);
      expect(await store.delete(e, { scope: "B", model: "gpt-4o" })).toBe(1); // criteria are ANDed
      expect(await ids("B")).toEqual(["b2"]);
      expect(await store.delete(e, { model: "gpt-4o" })).toBe(1);
      expect(await ids("C")).toEqual([]);
      expect(await store.delete(e, { scope: "A" })).toBe(1);
      expect(await ids("A")).toEqual([]);
      expect(await store.delete(e, { ids: [] })).toBe(0);
      await put("d1", "D");
      expect(await store.delete(e, { all: true })).toBe(2); // b2, d1
      expect(await ids("B")).toEqual([]);
      expect(await ids("D")).toEqual([]);
      await expect(store.delete(e, {})).rejects.toThrow(/ids, scope, model or all/);
    });

    it("keeps two embedders with different dimensions apart", async () => {
      const small = emb("d384");
      const large = emb("d512");
      await store.ensureIndex(small, 384);
      await store.ensureIndex(large, 512);
      const next = rng(3);
      const v384 = randomUnit(384, next);
      const v512 = randomUnit(512, next);
      const exp = Date.now() + HOUR;
      await store.upsert(small, { id: "same-id", scope: "s", vector: v384, expiresAt: exp });
      await store.upsert(large, { id: "same-id", scope: "s", vector: v512, expiresAt: exp });

      expect((await store.search(small, "s", v384, 3))[0]).toMatchObject({ id: "same-id" });
      expect((await store.search(small, "s", v384, 3))[0].similarity).toBeCloseTo(1, 5);
      expect((await store.search(large, "s", v512, 3))[0].similarity).toBeCloseTo(1, 5);
      await expect(store.search(small, "s", v512, 3)).rejects.toThrow(/dimensions/);
      await expect(store.upsert(large, { id: "x", scope: "s", vector: v384, expiresAt: exp })).rejects.toThrow(/dimensions/);

      expect(await store.delete(small, { all: true })).toBe(1);
      expect(await store.search(small, "s", v384, 3)).toEqual([]);
      expect((await store.search(large, "s", v512, 3)).map((h) => h.id)).toEqual(["same-id"]);
    });

    it("ensureIndex is idempotent and refuses a changed dimension", async () => {
      const e = emb("idem");
      await store.ensureIndex(e, 32);
      await store.upsert(e, { id: "x", scope: "s", vector: axis(32, 3), expiresAt: Date.now() + HOUR });
      await Promise.all([store.ensureIndex(e, 32), store.ensureIndex(e, 32)]);
      expect((await store.search(e, "s", axis(32, 3), 1)).map((h) => h.id)).toEqual(["x"]);
      await expect(store.ensureIndex(e, 16)).rejects.toThrow(/dimensions/);
    });

    it("upsert replaces the vector, scope, model and expiry of an id", async () => {
      const e = emb("up");
      await store.ensureIndex(e, 8);
      const exp = Date.now() + HOUR;
      await store.upsert(e, { id: "x", scope: "s", vector: axis(8, 0), expiresAt: exp, model: "m1" });
      await store.upsert(e, { id: "x", scope: "s", vector: axis(8, 1), expiresAt: exp, model: "m2" });
      const hits = await store.search(e, "s", axis(8, 1), 10);
      expect(hits).toHaveLength(1);
      expect(hits[0].id).toBe("x");
      expect(hits[0].similarity).toBeCloseTo(1, 5);
      expect(await store.delete(e, { model: "m1" })).toBe(0);

      await store.upsert(e, { id: "x", scope: "t", vector: axis(8, 1), expiresAt: exp });
      expect(await store.search(e, "s", axis(8, 1), 10)).toEqual([]);
      expect((await store.search(e, "t", axis(8, 1), 10)).map((h) => h.id)).toEqual(["x"]);
      expect(await store.delete(e, { model: "m2" })).toBe(0); // the model went with the rewrite

      await store.upsert(e, { id: "x", scope: "t", vector: axis(8, 1), expiresAt: Date.now() - 1 });
      expect(await store.search(e, "t", axis(8, 1), 10)).toEqual([]);
    });

    it("limits results to k and counts entries in stats", async () => {
      const e = emb("k");
      await store.ensureIndex(e, 16);
      const before = (await store.stats()).entries;
      const next = rng(5);
      for (let i = 0; i < 12; i++) await store.upsert(e, { id: `k${i}`, scope: "s", vector: randomUnit(16, next), expiresAt: Date.now() + HOUR });
      expect(await store.search(e, "s", randomUnit(16, next), 3)).toHaveLength(3);
      expect((await store.stats()).entries).toBe(before + 12);
      await store.delete(e, { all: true });
      expect((await store.stats()).entries).toBe(before);
    });

    it("rejects bad arguments instead of guessing", async () => {
      await expect(store.ensureIndex("bad name; drop table", 8)).rejects.toThrow(/embedder id/);
      await expect(store.ensureIndex(emb("dim"), 0)).rejects.toThrow(/dimensions/);
      await expect(store.search(emb("none"), "s", axis(8, 0), 1)).rejects.toThrow(/ensureIndex/);
      const e = emb("args");
      await store.ensureIndex(e, 4);
      await expect(store.search(e, "s", axis(4, 0), 0)).rejects.toThrow(/k must be/);
      await expect(store.upsert(e, { id: "", scope: "s", vector: axis(4, 0), expiresAt: Date.now() + HOUR })).rejects.toThrow(/id/);
      await expect(store.upsert(e, { id: "n", scope: "s", vector: new Float32Array([NaN, 0, 0, 0]), expiresAt: Date.now() + HOUR })).rejects.toThrow(/non-finite/);
    });

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
