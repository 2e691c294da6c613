// `npm run bench:vectors`: search latency, insert throughput and memory of the vector stores at
// 1k / 10k / 100k entries of 384 dimensions (all-MiniLM-L6-v2), printed as a markdown table.
//
//   npm run bench:vectors -- --sizes 1000,10000,100000 --pg-sizes 1000,10000 --queries 300
//
// Two scope layouts per size, because a search only ever looks inside its scope:
//   one scope  — every entry in a single scope (worst case: one tenant, no system prompt, first turn)
//   scopes/100 — entries spread over scopes of ~100 (typical: scopes hash prompts, turns, settings)
// pgvector runs on PGlite (embedded, single-threaded wasm). Its inserts maintain the HNSW graph row
// by row (130-240 inserts/s measured here), so 100k rows take over 10 minutes: that size is opt-in
// (--pg-sizes 1000,10000,100000).
// Run with --expose-gc (the npm script does) for the memory column.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { MemoryVectorStore } from "../lib/cache/vector-stores/memory";
import { PgvectorStore } from "../lib/cache/vector-stores/pgvector";
import { randomUnit, nudge, rng } from "../lib/cache/vector-stores/testing/vectors";
import type { VectorStore } from "../lib/cache/vector-stores/types";
import { openDb } from "../lib/store/db";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,100000" },
    "pg-sizes": { type: "string", default: "1000,10000" },
    queries: { type: "string", default: "300" },
    dims: { type: "string", default: "384" },
  },
});
const SIZES = values.sizes.split(",").map(Number);
const PG_SIZES = values["pg-sizes"].split(",").filter(Boolean).map(Number);
const QUERIES = Number(values.queries);
const DIMS = Number(values.dims);
const HOUR = 3_600_000;
const gc = (globalThis as { gc?: () => void }).gc;

interface Row {
  store: string;
  n: number;
  layout: string;
  insertPerSec: number;
  p50: number;
  p99: number;
  mbPer10k?: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function usedBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function fill(store: VectorStore, embedder: string, n: number, scopeOf: (i: number) => string, seed: number): Promise<{ vectors: Float32Array[]; seconds: number }> {
  const next = rng(seed);
  const vectors: Float32Array[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const v = randomUnit(DIMS, next);
    if (i < 2_000) vectors.push(v); // query seeds
    await store.upsert(embedder, { id: `e${i}`, scope: scopeOf(i), vector: v, expiresAt: Date.now() + HOUR, model: "bench" });
  }
  return { vectors, seconds: (performance.now() - t0) / 1000 };
}

async function searchLatency(store: VectorStore, embedder: string, vectors: Float32Array[], scopeOf: (i: number) => string): Promise<{ p50: number; p99: number }> {
  const next = rng(99);
  const times: number[] = [];
  for (let q = 0; q < QUERIES + 20; q++) {
    const i = Math.floor(next() * vectors.length);
    const query = nudge(vectors[i], 0.02, next);
    const t0 = performance.now();
    const hits = await store.search(embedder, scopeOf(i), query, 5);
    const ms = performance.now() - t0;
    if (q >= 20) times.push(ms); // warm-up excluded
    if (hits[0]?.id !== `e${i}`) throw new Error(`wrong nearest neighbour for e${i}: ${hits[0]?.id}`);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const layouts: [string, (n: number) => (i: number) => string][] = [
  ["one scope", () => () => "all"],
  ["scopes/100", () => (i) => `s${i % Math.max(1, Math.floor(Math.max(1, i) / 100) + 1)}`],
];

async function benchMemory(rows: Row[]): Promise<void> {
  for (const n of SIZES) {
    for (const [layout, make] of layouts) {
      // Scope of entry i must be stable for lookups: fix the partition count from n.
      const scopes = layout === "one scope" ? 1 : Math.max(1, Math.floor(n / 100));
      const scopeOf = scopes === 1 ? make(n) : (i: number) => `s${i % scopes}`;
      const store = new MemoryVectorStore({ maxEntries: n * 2 });
      await store.ensureIndex("bench", DIMS);
      const before = usedBytes();
      const { vectors, seconds } = await fill(store, "bench", n, scopeOf, n);
      const kept = vectors.length * (DIMS * 4 + 64); // the bench's own query seeds
      const after = usedBytes();
      const { p50, p99 } = await searchLatency(store, "bench", vectors, scopeOf);
      rows.push({ store: "memory", n, layout, insertPerSec: n / seconds, p50, p99, mbPer10k: gc ? ((after - before - kept) / n) * 10_000 / 2 ** 20 : undefined });
      await store.close();
    }
  }
}

async function benchPgvector(rows: Row[]): Promise<void> {
  for (const n of PG_SIZES) {
    for (const [layout] of layouts) {
      const dir = mkdtempSync(path.join(tmpdir(), "helix-bench-vec-"));
      const db = await openDb({ pgliteDir: path.join(dir, "pgdata") });
      try {
        const scopes = layout === "one scope" ? 1 : Math.max(1, Math.floor(n / 100));
        const scopeOf = (i: number) => (scopes === 1 ? "all" : `s${i % scopes}`);
        const store = new PgvectorStore({ db: db.prisma, singleConnection: true }); // as select.ts on PGlite
        await store.ensureIndex("bench", DIMS);
        const { vectors, seconds } = await fill(store, "bench", n, scopeOf, n);
        await db.prisma.$executeRawUnsafe("ANALYZE semantic_cache_vectors");
        const { p50, p99 } = await searchLatency(store, "bench", vectors, scopeOf);
        const { bytes } = await store.stats();
        rows.push({ store: "pgvector (PGlite)", n, layout, insertPerSec: n / seconds, p50, p99, mbPer10k: ((bytes ?? 0) / n) * 10_000 / 2 ** 20 });
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
      process.stderr.write(`pgvector ${n} ${layout} done\n`);
    }
  }
}

const rows: Row[] = [];
await benchMemory(rows);
await benchPgvector(rows);

const f = (x: number, d = 2) => x.toFixed(d);
console.log(`\nVector stores, ${DIMS} dims, k=5, ${QUERIES} queries per row (${new Date().toISOString()}, node ${process.version})\n`);
console.log("| store | entries | layout | insert/s | search p50 ms | search p99 ms | MB per 10k |");
console.log("|---|---:|---|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${r.store} | ${r.n} | ${r.layout} | ${f(r.insertPerSec, 0)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${r.mbPer10k === undefined ? "n/a (run with --expose-gc)" : f(r.mbPer10k, 1)} |`);
}
console.log("\nmemory: MB per 10k = heap + array buffers retained by the store; pgvector: table + indexes (pg_total_relation_size).");
