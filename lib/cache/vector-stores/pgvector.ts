// pgvector-backed vector store: PGlite in embedded mode, PostgreSQL where the extension exists.
//
// Storage (created here at first use, not in prisma/migrations: those must apply on a Postgres
// without pgvector, where this store is simply not selected):
//
//   semantic_cache_vectors (embedder, id, scope, model, embedding vector, expires_at,
//                           PRIMARY KEY (embedder, id))
//     semantic_cache_vectors_scope_idx   btree (embedder, scope, expires_at)
//     semantic_cache_vectors_expires_idx btree (expires_at)           -- purge
//     semantic_cache_vectors_hnsw_<name>  hnsw ((embedding::vector(<dims>)) vector_cosine_ops)
//                                         WHERE embedder = '<embedder>' -- one per embedder
//   semantic_cache_embedders (embedder PRIMARY KEY, dimensions)      -- guards dimension mix-ups
//
// One table with a partial expression HNSW index per embedder rather than a table per embedder:
// each embedder still gets its own graph with its own dimensions, but there is one fixed DDL, no
// table names built at run time, and deletes, stats and the expiry purge are single statements.
//
// Search filters by scope. Both plans are available and the planner picks by the scope's size
// (checked with EXPLAIN on PGlite): a small scope — the common case, since a scope includes the
// system prompt, earlier turns and sampling settings — is read exactly through the btree and
// sorted (0.5 ms at 10k rows); a large scope walks the HNSW graph with the scope as a filter, and
// pgvector 0.8's iterative scan (`hnsw.iterative_scan`, set per transaction) keeps walking until k
// rows pass the filter instead of returning fewer than k.
import "server-only";
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { VectorStoreUnavailableError } from "./errors";
import type { VectorDeleteFilter, VectorEntry, VectorMatch, VectorStore } from "./types";
import { checkDeleteFilter, checkEmbedder, checkEntry, checkK, checkVector, ensureIndexOnce, VectorStoreArgumentError } from "./validate";
import { toPgVectorLiteral } from "./vector-codec";

export interface PgvectorStoreOptions {
  /** The migrated client (getDb), or a function returning it (resolved at first use). */
  db: PrismaClient | (() => Promise<PrismaClient>);
  /** How often expired rows are purged, at most (lazily, on writes). Default one minute. */
  purgeIntervalMs?: number;
  /** Rows removed per purge statement, so a purge never holds locks for long. */
  purgeBatch?: number;
  log?: (message: string) => void;
  /**
   * The client has exactly one connection (PGlite): hnsw.iterative_scan is then set once for the
   * session instead of per search in a transaction (saves BEGIN/SET/COMMIT on every lookup).
   */
  singleConnection?: boolean;
}

export const VECTORS_TABLE = "semantic_cache_vectors";
export const EMBEDDERS_TABLE = "semantic_cache_embedders";

// Serialises concurrent first-use DDL from several instances (CREATE ... IF NOT EXISTS races on
// the catalog otherwise). Any constant distinct from the migrator's key works.
const DDL_LOCK_KEY = 72707370;

const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS ${VECTORS_TABLE} (
    embedder   text        NOT NULL,
    id         text        NOT NULL,
    scope      text        NOT NULL,
    model      text,
    embedding  vector      NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (embedder, id)
  )`,
  `CREATE INDEX IF NOT EXISTS ${VECTORS_TABLE}_scope_idx ON ${VECTORS_TABLE} (embedder, scope, expires_at)`,
  `CREATE INDEX IF NOT EXISTS ${VECTORS_TABLE}_expires_idx ON ${VECTORS_TABLE} (expires_at)`,
  `CREATE TABLE IF NOT EXISTS ${EMBEDDERS_TABLE} (
    embedder   text        PRIMARY KEY,
    dimensions integer     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
];

/** Index name for an embedder: readable, within Postgres' 63 bytes, and unique per embedder. */
export function hnswIndexName(embedder: string): string {
  const readable = embedder.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 24);
  const hash = createHash("sha256").update(embedder).digest("hex").slice(0, 8);
  return `${VECTORS_TABLE}_hnsw_${readable}_${hash}`;
}

export class PgvectorStore implements VectorStore {
  readonly kind = "pgvector" as const;
  private readonly getPrisma: () => Promise<PrismaClient>;
  /** Registered dimensions per embedder, and index creations in flight (see ensureIndexOnce). */
  readonly dims = new Map<string, number>();
  readonly ensuring = new Map<string, Promise<void>>();
  private tables: Promise<void> | undefined;
  private readonly purgeIntervalMs: number;
  private readonly purgeBatch: number;
  private lastPurge = Date.now();
  private purging: Promise<number> | undefined;
  private readonly log: (message: string) => void;
  private readonly singleConnection: boolean;
  private sessionReady: Promise<void> | undefined;

  constructor(opts: PgvectorStoreOptions) {
    const db = opts.db;
    this.getPrisma = typeof db === "function" ? db : async () => db;
    this.purgeIntervalMs = opts.purgeIntervalMs ?? 60_000;
    this.purgeBatch = opts.purgeBatch ?? 5_000;
    this.log = opts.log ?? (() => {});
    this.singleConnection = opts.singleConnection ?? false;
  }

  ensureIndex(embedder: string, dimensions: number): Promise<void> {
    return ensureIndexOnce(
      this,
      embedder,
      dimensions,
      () => this.createIndex(embedder, dimensions),
      (registered) => dimensionMismatch(embedder, registered, dimensions),
    );
  }

  async upsert(embedder: string, entry: VectorEntry): Promise<void> {
    const dims = this.dimsOf(embedder);
    checkEntry(entry);
    checkVector(entry.vector, dims);
    // The embedder is inlined (validated alphabet) so the statement matches the partial index.
    const sql =
      `INSERT INTO ${VECTORS_TABLE} (embedder, id, scope, model, embedding, expires_at) ` +
      `VALUES ('${embedder}', $1, $2, $3, $4::vector(${dims}), $5::timestamptz) ` +
      `ON CONFLICT (embedder, id) DO UPDATE SET scope = EXCLUDED.scope, model = EXCLUDED.model, ` +
      `embedding = EXCLUDED.embedding, expires_at = EXCLUDED.expires_at, created_at = now()`;
    const prisma = await this.prisma();
    await this.run("upsert", () =>
      prisma.$executeRawUnsafe(sql, entry.id, entry.scope, entry.model ?? null, toPgVectorLiteral(entry.vector), new Date(entry.expiresAt).toISOString()),
    );
    this.maybePurge();
  }

  async search(embedder: string, scope: string, vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const dims = this.dimsOf(embedder);
    checkVector(vector, dims, "query vector");
    const limit = checkK(k);
    const distance = `embedding::vector(${dims}) <=> $1::vector(${dims})`;
    const sql =
      `SELECT id, 1 - (${distance}) AS similarity FROM ${VECTORS_TABLE} ` +
      `WHERE embedder = '${embedder}' AND scope = $2 AND expires_at > now() ` +
      `ORDER BY ${distance} LIMIT ${limit}`;
    const prisma = await this.prisma();
    let rows: { id: string; similarity: number }[];
    if (this.singleConnection) {
      this.sessionReady ??= this.run("search", async () => {
        await prisma.$executeRawUnsafe(`SET hnsw.iterative_scan = relaxed_order`);
      }).catch((err: unknown) => {
        this.sessionReady = undefined;
        throw err;
      });
      await this.sessionReady;
      rows = await this.run("search", () => prisma.$queryRawUnsafe<{ id: string; similarity: number }[]>(sql, toPgVectorLiteral(vector), scope));
    } else {
      [, rows] = await this.run("search", () =>
        prisma.$transaction([
          // SET LOCAL: on a pooled PostgreSQL a plain SET would stick to one connection only.
          prisma.$executeRawUnsafe(`SET LOCAL hnsw.iterative_scan = relaxed_order`),
          prisma.$queryRawUnsafe<{ id: string; similarity: number }[]>(sql, toPgVectorLiteral(vector), scope),
        ]),
      );
    }
    // relaxed_order may return graph hits slightly out of order; the caller wants best first.
    return rows.map((r) => ({ id: r.id, similarity: clamp(Number(r.similarity)) })).sort((a, b) => b.similarity - a.similarity);
  }

  async delete(embedder: string, filter: VectorDeleteFilter): Promise<number> {
    checkEmbedder(embedder);
    checkDeleteFilter(filter);
    if (!this.dims.has(embedder) && !(await this.tablesExist())) return 0;
    const where = [`embedder = '${embedder}'`];
    const params: unknown[] = [];
    if (!filter.all) {
      if (filter.ids !== undefined) {
        if (filter.ids.length === 0) return 0;
        params.push(filter.ids);
        where.push(`id = ANY($${params.length}::text[])`);
      }
      if (filter.scope !== undefined) {
        params.push(filter.scope);
        where.push(`scope = $${params.length}`);
      }
      if (filter.model !== undefined) {
        params.push(filter.model);
        where.push(`model = $${params.length}`);
      }
    }
    const prisma = await this.prisma();
    return this.run("delete", () => prisma.$executeRawUnsafe(`DELETE FROM ${VECTORS_TABLE} WHERE ${where.join(" AND ")}`, ...params));
  }

  async stats(): Promise<{ entries: number; bytes?: number }> {
    if (!(await this.tablesExist())) return { entries: 0, bytes: 0 };
    const prisma = await this.prisma();
    const rows = await this.run("stats", () =>
      prisma.$queryRawUnsafe<{ entries: number; bytes: string }[]>(
        `SELECT count(*)::int AS entries, pg_total_relation_size('${VECTORS_TABLE}')::text AS bytes ` +
          `FROM ${VECTORS_TABLE} WHERE expires_at > now()`,
      ),
    );
    return { entries: Number(rows[0]?.entries ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  /** Deletes expired rows in batches; returns how many. Runs lazily from upsert, callable on a timer. */
  purgeExpired(): Promise<number> {
    this.purging ??= this.purge().finally(() => (this.purging = undefined));
    return this.purging;
  }

  async ping(): Promise<void> {
    const prisma = await this.prisma();
    await this.run("ping", () => prisma.$queryRawUnsafe(`SELECT 1`));
  }

  async close(): Promise<void> {
    // The client belongs to getDb() (shared with the rest of Helix); only wait for our own work.
    await this.purging?.catch(() => {});
  }

  private async purge(): Promise<number> {
    if (!(await this.tablesExist())) return 0;
    const prisma = await this.prisma();
    let total = 0;
    for (;;) {
      const n = await this.run("purge", () =>
        prisma.$executeRawUnsafe(
          `DELETE FROM ${VECTORS_TABLE} WHERE ctid IN ` +
            `(SELECT ctid FROM ${VECTORS_TABLE} WHERE expires_at <= now() LIMIT ${this.purgeBatch})`,
        ),
      );
      total += n;
      if (n < this.purgeBatch) return total;
    }
  }

  private maybePurge(): void {
    const now = Date.now();
    if (now - this.lastPurge < this.purgeIntervalMs) return;
    this.lastPurge = now;
    // Off the caller's path; a failed purge is retried at the next interval.
    this.purgeExpired().catch((err: unknown) => this.log(`semantic cache purge failed: ${errorMessage(err)}`));
  }

  private async createIndex(embedder: string, dimensions: number): Promise<void> {
    const prisma = await this.prisma();
    this.tables ??= this.run("create tables", async () => {
      await prisma.$transaction([prisma.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${DDL_LOCK_KEY})`), ...CREATE_TABLES.map((s) => prisma.$executeRawUnsafe(s))]);
    }).catch((err: unknown) => {
      this.tables = undefined; // a failed start is not cached
      throw err;
    });
    await this.tables;
    const [, , rows] = await this.run("create index", () =>
      prisma.$transaction([
        prisma.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${DDL_LOCK_KEY})`),
        prisma.$executeRawUnsafe(
          `INSERT INTO ${EMBEDDERS_TABLE} (embedder, dimensions) VALUES ($1, $2::int) ON CONFLICT (embedder) DO NOTHING`,
          embedder,
          dimensions,
        ),
        prisma.$queryRawUnsafe<{ dimensions: number }[]>(`SELECT dimensions FROM ${EMBEDDERS_TABLE} WHERE embedder = $1`, embedder),
      ]),
    );
    const registered = Number(rows[0]?.dimensions);
    if (registered !== dimensions) throw dimensionMismatch(embedder, registered, dimensions);
    // Outside the transaction above: building the graph over existing rows can take a while, and
    // IF NOT EXISTS makes a concurrent duplicate harmless.
    await this.run("create index", () =>
      prisma.$executeRawUnsafe(
        `CREATE INDEX IF NOT EXISTS ${hnswIndexName(embedder)} ON ${VECTORS_TABLE} ` +
          `USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE embedder = '${embedder}'`,
      ),
    );
    this.dims.set(embedder, dimensions);
  }

  private async tablesExist(): Promise<boolean> {
    if (this.tables) return true;
    const prisma = await this.prisma();
    const rows = await this.run("stats", () => prisma.$queryRawUnsafe<{ t: string | null }[]>(`SELECT to_regclass('${VECTORS_TABLE}')::text AS t`));
    return rows[0]?.t != null;
  }

  private dimsOf(embedder: string): number {
    checkEmbedder(embedder);
    const dims = this.dims.get(embedder);
    if (dims === undefined) throw new VectorStoreArgumentError(`no index for embedder ${embedder}: call ensureIndex first`);
    return dims;
  }

  private prisma(): Promise<PrismaClient> {
    return this.getPrisma().catch((err: unknown) => {
      throw new VectorStoreUnavailableError(`database unavailable for the semantic cache: ${errorMessage(err)}`, err);
    });
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof VectorStoreArgumentError || err instanceof VectorStoreUnavailableError) throw err;
      throw new VectorStoreUnavailableError(`pgvector ${what} failed: ${errorMessage(err)}`, err);
    }
  }
}

function dimensionMismatch(embedder: string, registered: number, requested: number): VectorStoreArgumentError {
  return new VectorStoreArgumentError(
    `embedder ${embedder} is registered with ${registered} dimensions, not ${requested}; ` +
      `an embedder id must name one model (delete its entries with delete(embedder, { all: true }) and ${EMBEDDERS_TABLE} row to change it)`,
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clamp(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}
