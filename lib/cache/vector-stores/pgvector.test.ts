// pgvector on embedded PGlite (the default embedded mode) in a throwaway data directory.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { tempDir } from "@/lib/store/test-support";
import { hnswIndexName, PgvectorStore } from "./pgvector";
import { describeVectorStoreContract } from "./testing/contract";
import { randomUnit, rng } from "./testing/vectors";
import { toPgVectorLiteral } from "./vector-codec";

let shared: { handle: DbHandle; remove: () => void } | undefined;
async function db(): Promise<DbHandle> {
  if (!shared) {
    const tmp = tempDir("helix-pgvector-");
    shared = { handle: await openDb({ pgliteDir: path.join(tmp.dir, "pgdata") }), remove: tmp.remove };
  }
  return shared.handle;
}
afterAll(async () => {
  await shared?.handle.close();
  shared?.remove();
});

describeVectorStoreContract("pgvector (PGlite)", async () => {
  const handle = await db();
  expect(handle.info.vector).toBe(true);
  const store = new PgvectorStore({ db: handle.prisma });
  return { store, cleanup: () => store.close() };
});

describeVectorStoreContract("pgvector (PGlite, session settings)", async () => {
  const store = new PgvectorStore({ db: (await db()).prisma, singleConnection: true });
  return { store, cleanup: () => store.close() };
});

describe("PgvectorStore on PGlite", () => {
  let handle: DbHandle;
  let store: PgvectorStore;
  beforeAll(async () => {
    handle = await db();
    store = new PgvectorStore({ db: handle.prisma });
  });
  const idsOf = async (embedder: string) =>
    (await handle.prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM semantic_cache_vectors WHERE embedder = $1 ORDER BY id`, embedder)).map((r) => r.id);

  it("creates one partial HNSW index per embedder", async () => {
    await store.ensureIndex("idx-a", 16);
    await store.ensureIndex("idx-b", 24);
    const rows = await handle.prisma.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'semantic_cache_vectors' AND indexdef ILIKE '%hnsw%' ORDER BY indexname`,
    );
    const a = rows.find((r) => r.indexname === hnswIndexName("idx-a"));
    expect(a?.indexdef).toMatch(/USING hnsw \(\(\(embedding\)::vector\(16\)\) vector_cosine_ops\) WHERE \(embedder = 'idx-a'::text\)/);
    expect(rows.find((r) => r.indexname === hnswIndexName("idx-b"))?.indexdef).toMatch(/vector\(24\).*'idx-b'/);
  });

  // The planner's choice, checked: a small scope is read exactly through the btree, a scope that is
  // most of the table walks the embedder's HNSW graph (with the scope as a filter).
  it("uses the btree for a small scope and the HNSW index for a large one", async () => {
    const e = "plan";
    await store.ensureIndex(e, 32);
    const next = rng(42);
    const n = 3_000;
    const ids: string[] = [];
    const scopes: string[] = [];
    const vecs: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(`p${i}`);
      scopes.push(i % 10 === 0 ? `small-${i}` : "big");
      vecs.push(toPgVectorLiteral(randomUnit(32, next)));
    }
    await handle.prisma.$executeRawUnsafe(
      `INSERT INTO semantic_cache_vectors (embedder, id, scope, embedding, expires_at) ` +
        `SELECT '${e}', i, s, v::vector, now() + interval '1 hour' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(i, s, v)`,
      ids,
      scopes,
      vecs,
    );
    await handle.prisma.$executeRawUnsafe(`ANALYZE semantic_cache_vectors`);
    const q = toPgVectorLiteral(randomUnit(32, next));
    const plan = async (scope: string) =>
      (
        await handle.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN SELECT id FROM semantic_cache_vectors WHERE embedder = '${e}' AND scope = $2 AND expires_at > now() ` +
            `ORDER BY embedding::vector(32) <=> $1::vector(32) LIMIT 5`,
          q,
          scope,
        )
      )
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    expect(await plan("small-10")).toMatch(/semantic_cache_vectors_scope_idx/);
    expect(await plan("big")).toMatch(new RegExp(hnswIndexName(e)));

    // And both paths answer: k rows from the big scope, the one row from the small one.
    expect(await store.search(e, "big", randomUnit(32, next), 5)).toHaveLength(5);
    expect((await store.search(e, "small-10", randomUnit(32, next), 5)).map((h) => h.id)).toEqual(["p10"]);

    // Force the graph for a one-row scope (no sort allowed, so no btree + sort plan): a plain HNSW
    // scan sees ef_search=40 candidates, filters them all out and answers nothing; the iterative
    // scan the store turns on keeps walking until it finds the row.
    await handle.prisma.$executeRawUnsafe(`SET enable_sort = off`);
    try {
      expect(await plan("small-10")).toMatch(new RegExp(hnswIndexName(e)));
      await handle.prisma.$executeRawUnsafe(`SET hnsw.iterative_scan = off`);
      const plain = await handle.prisma.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id FROM semantic_cache_vectors WHERE embedder = '${e}' AND scope = $2 AND expires_at > now() ORDER BY embedding::vector(32) <=> $1::vector(32) LIMIT 5`,
        q,
        "small-10",
      );
      expect(plain).toEqual([]);
      const pooled = new PgvectorStore({ db: handle.prisma }); // SET LOCAL in a transaction
      await pooled.ensureIndex(e, 32);
      expect((await pooled.search(e, "small-10", randomUnit(32, next), 5)).map((h) => h.id)).toEqual(["p10"]);
      const session = new PgvectorStore({ db: handle.prisma, singleConnection: true }); // SET once
      await session.ensureIndex(e, 32);
      expect((await session.search(e, "small-10", randomUnit(32, next), 5)).map((h) => h.id)).toEqual(["p10"]);
    } finally {
      await handle.prisma.$executeRawUnsafe(`RESET enable_sort`);
      await handle.prisma.$executeRawUnsafe(`RESET hnsw.iterative_scan`);
    }
  });

  it("purges expired rows on demand and reports the table size", async () => {
    const manual = new PgvectorStore({ db: handle.prisma, purgeIntervalMs: 1e12 });
    await manual.ensureIndex("purge", 4);
    await manual.upsert("purge", { id: "gone", scope: "s", vector: new Float32Array([1, 0, 0, 0]), expiresAt: Date.now() - 1 });
    await manual.upsert("purge", { id: "kept", scope: "s", vector: new Float32Array([1, 0, 0, 0]), expiresAt: Date.now() + 60_000 });
    expect(await manual.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await idsOf("purge")).toEqual(["kept"]);
    expect((await manual.stats()).bytes).toBeGreaterThan(0);
  });

  it("purges lazily from upsert once the interval has passed", async () => {
    const lazy = new PgvectorStore({ db: handle.prisma, purgeIntervalMs: 0 });
    await lazy.ensureIndex("lazy", 4);
    await lazy.upsert("lazy", { id: "gone", scope: "s", vector: new Float32Array([1, 0, 0, 0]), expiresAt: Date.now() - 1 });
    await lazy.upsert("lazy", { id: "kept", scope: "s", vector: new Float32Array([1, 0, 0, 0]), expiresAt: Date.now() + 60_000 });
    await lazy.close(); // waits for the background purge
    expect(await idsOf("lazy")).toEqual(["kept"]);
  });

  it("a second store instance (another gateway) sees the same index and entries", async () => {
    const other = new PgvectorStore({ db: async () => handle.prisma });
    await store.ensureIndex("shared", 4);
    await store.upsert("shared", { id: "x", scope: "s", vector: new Float32Array([0, 1, 0, 0]), expiresAt: Date.now() + 60_000 });
    await other.ensureIndex("shared", 4);
    expect((await other.search("shared", "s", new Float32Array([0, 1, 0, 0]), 1)).map((h) => h.id)).toEqual(["x"]);
    await expect(other.ensureIndex("shared", 8)).rejects.toThrow(/registered with 4 dimensions/);
  });
});
