import { describe, expect, it } from "vitest";
import { MemoryVectorStore } from "./memory";
import { describeVectorStoreContract } from "./testing/contract";
import { axis } from "./testing/vectors";

describeVectorStoreContract("memory", async () => {
  const store = new MemoryVectorStore();
  return { store, cleanup: () => store.close() };
});

describe("MemoryVectorStore bounds", () => {
  const HOUR = 3_600_000;

  it("evicts the oldest entries past maxEntries, across embedders", async () => {
    const store = new MemoryVectorStore({ maxEntries: 3 });
    await store.ensureIndex("a", 4);
    await store.ensureIndex("b", 4);
    await store.upsert("a", { id: "1", scope: "s", vector: axis(4, 0), expiresAt: Date.now() + HOUR });
    await store.upsert("b", { id: "2", scope: "s", vector: axis(4, 0), expiresAt: Date.now() + HOUR });
    await store.upsert("a", { id: "3", scope: "s", vector: axis(4, 0), expiresAt: Date.now() + HOUR });
    await store.upsert("a", { id: "1", scope: "s", vector: axis(4, 1), expiresAt: Date.now() + HOUR }); // rewrite: now newest
    await store.upsert("a", { id: "4", scope: "s", vector: axis(4, 0), expiresAt: Date.now() + HOUR });
    expect((await store.stats()).entries).toBe(3);
    expect(await store.search("b", "s", axis(4, 0), 5)).toEqual([]); // "2" was the oldest
    expect((await store.search("a", "s", axis(4, 0), 5)).map((h) => h.id).sort()).toEqual(["1", "3", "4"]);
  });

  it("drops expired entries before live ones when full", async () => {
    let now = 1_000_000;
    const store = new MemoryVectorStore({ maxEntries: 2, now: () => now });
    await store.ensureIndex("a", 4);
    await store.upsert("a", { id: "live", scope: "s", vector: axis(4, 0), expiresAt: now + HOUR });
    await store.upsert("a", { id: "dying", scope: "s", vector: axis(4, 0), expiresAt: now + 10 });
    now += 100;
    await store.upsert("a", { id: "new", scope: "s", vector: axis(4, 0), expiresAt: now + HOUR });
    expect((await store.search("a", "s", axis(4, 0), 5)).map((h) => h.id).sort()).toEqual(["live", "new"]);
  });

  it("keeps slots consistent through swap-removes and shrinking", async () => {
    const store = new MemoryVectorStore();
    await store.ensureIndex("a", 4);
    for (let i = 0; i < 300; i++) await store.upsert("a", { id: `x${i}`, scope: "s", vector: axis(4, i % 4), expiresAt: Date.now() + HOUR });
    expect(await store.delete("a", { ids: Array.from({ length: 290 }, (_, i) => `x${i}`) })).toBe(290);
    const left = (await store.search("a", "s", axis(4, 2), 100)).map((h) => h.id).sort();
    expect(left).toHaveLength(10);
    expect((await store.search("a", "s", axis(4, 2), 100)).filter((h) => h.similarity > 0.99).map((h) => h.id).sort()).toEqual(
      ["x290", "x294", "x298"].sort(),
    );
    expect(store.purgeExpired()).toBe(0);
    expect((await store.stats()).bytes).toBeLessThan(300 * 16 * 2);
  });
});
