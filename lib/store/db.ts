// The database: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite (with pgvector) in
// HELIX_DATA_DIR. Either way migrations are applied before anyone gets a client.
import "server-only";
import { logger } from "@/lib/observability/logger";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { migrate, pgliteSession, pgSession, type MigrateOptions } from "./migrate";

export type DbKind = "postgres" | "pglite";

export interface DbInfo {
  kind: DbKind;
  /** pgvector installed and usable. */
  vector: boolean;
  /** Connection URL with the password masked, or the PGlite data directory. */
  location: string;
  /** Migrations were applied and the client is ready. */
  ready: boolean;
  /** Migrations this process applied at start. */
  appliedMigrations: string[];
}

export interface DbHandle {
  readonly prisma: PrismaClient;
  readonly info: DbInfo;
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL URL; Prisma's `?schema=` is honoured. Without it, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory (the `pgdata` folder itself). Ignored with databaseUrl. */
  pgliteDir?: string;
  migrationsDir?: string;
  /** Pool size for Postgres. */
  poolMax?: number;
  log?: (message: string) => void;
}

/** Query parameters that carry credentials: node-postgres also reads ?password=…, and libpq sslpassword. */
const SECRET_PARAM = /pass|secret|token|key/i;

/** The URL with any password replaced, safe for /health (which is public), / and logs. */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    for (const name of [...u.searchParams.keys()]) if (SECRET_PARAM.test(name)) u.searchParams.set(name, "****");
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}

/** Splits Prisma's `schema` query parameter off the URL (node-postgres does not know it). */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  return { connectionString: u.toString(), schema: schema || undefined };
}

/** Opens a database, applies migrations and returns a ready client. Used by getDb() and by tests. */
export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts.pgliteDir ?? "./.helix/pgdata", opts);
}

async function openPostgres(url: string, opts: OpenDbOptions): Promise<DbHandle> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const migrateOpts: MigrateOptions = { migrationsDir: opts.migrationsDir, schema, log: opts.log };

  // Migrations run on one dedicated connection: the advisory lock belongs to a session.
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {}); // errors surface through the awaited queries below
  await client.connect();
  let result;
  try {
    result = await migrate(pgSession(client), migrateOpts);
  } finally {
    await client.end().catch(() => {});
  }

  const pool = new pg.Pool({
    connectionString,
    max: opts.poolMax ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // With ?schema=, unqualified SQL (raw queries, operators' habits) resolves there too.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", (err) => opts.log?.(`postgres pool error: ${err.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });

  const info: DbInfo = {
    kind: "postgres",
    vector: result.vector,
    location: maskDatabaseUrl(url),
    ready: true,
    appliedMigrations: result.applied,
  };
  return {
    prisma,
    info,
    ping: (timeoutMs = 2_000) => withTimeout(prisma.$queryRawUnsafe("SELECT 1"), timeoutMs, "database ping"),
    close: async () => {
      info.ready = false;
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

async function openPglite(dir: string, opts: OpenDbOptions): Promise<DbHandle> {
  const dataDir = path.resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    // Loaded only in embedded mode: a PostgreSQL deployment never pays for the wasm runtime.
    const [{ PGlite }, { vector: pgvector }, { PrismaPGlite }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("@electric-sql/pglite-pgvector"),
      import("pglite-prisma-adapter"),
    ]);
    db = await PGlite.create({ dataDir, extensions: { vector: pgvector } });
    const result = await migrate(pgliteSession(db), { migrationsDir: opts.migrationsDir, log: opts.log });
    // PGlite has one connection; it queues queries and holds interactive transactions exclusively
    // itself, so one adapter over the one instance serialises correctly.
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    const pglite = db;
    const info: DbInfo = { kind: "pglite", vector: result.vector, location: dataDir, ready: true, appliedMigrations: result.applied };
    return {
      prisma,
      info,
      ping: (timeoutMs = 2_000) => withTimeout(pglite.query("SELECT 1"), timeoutMs, "database ping"),
      close: async () => {
        info.ready = false;
        await prisma.$disconnect().catch(() => {});
        await pglite.close().catch(() => {});
        releaseLock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => {});
    releaseLock();
    throw err;
  }
}

// PGlite has no cross-process locking: two processes on one data dir corrupt it. A pid file turns
// that into a clear error (a stale file from a dead process is taken over).
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "helix.pid");
  try {
    const pid = Number(readFileSync(lockPath, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by another Helix process (pid ${pid}). ` +
          "Stop it, use another HELIX_DATA_DIR, or set DATABASE_URL to share a PostgreSQL.",
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  writeFileSync(lockPath, String(process.pid));
  return () => {
    try {
      if (readFileSync(lockPath, "utf8").trim() === String(process.pid)) rmSync(lockPath, { force: true });
    } catch {
      /* already gone */
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- process-wide singleton --------------------------------------------------------------------
// On globalThis because Next.js may evaluate this module more than once in one process
// (instrumentation and route bundles); two PGlite instances on one directory would corrupt it.

interface DbGlobal {
  handle?: Promise<DbHandle>;
  current?: DbHandle;
}
const GLOBAL_KEY = Symbol.for("helix.store.db");
function state(): DbGlobal {
  const g = globalThis as unknown as Record<symbol, DbGlobal | undefined>;
  return (g[GLOBAL_KEY] ??= {});
}

function configured(): { kind: DbKind; location: string; opts: OpenDbOptions } {
  const e = env();
  if (e.DATABASE_URL) return { kind: "postgres", location: maskDatabaseUrl(e.DATABASE_URL), opts: { databaseUrl: e.DATABASE_URL } };
  const dir = path.resolve(e.HELIX_DATA_DIR, "pgdata");
  return { kind: "pglite", location: dir, opts: { pgliteDir: dir } };
}

/** The shared, migrated Prisma client. A failed start is not cached: the next call retries. */
export function getDb(): Promise<PrismaClient> {
  const s = state();
  if (!s.handle) {
    const { opts } = configured();
    const opening = openDb({ ...opts, log: (m) => logger().info({ component: "db" }, m) });
    s.handle = opening;
    opening.then(
      (h) => {
        if (s.handle === opening) s.current = h;
      },
      () => {
        if (s.handle === opening) s.handle = undefined;
      },
    );
  }
  return s.handle.then((h) => h.prisma);
}

/** What the database is, for /health and the dashboard. Before getDb() resolves, ready is false. */
export function dbInfo(): DbInfo {
  const s = state();
  if (s.current) return { ...s.current.info };
  const { kind, location } = configured();
  return { kind, location, vector: false, ready: false, appliedMigrations: [] };
}

/** Readiness: opens the database if needed and runs a trivial query. Throws when unavailable. */
export async function pingDb(timeoutMs = 2_000): Promise<void> {
  await getDb();
  const h = state().current;
  if (!h) throw new Error("database is not open");
  await h.ping(timeoutMs);
}

/** Graceful shutdown (and tests): closes the shared client; a later getDb() opens a new one. */
export async function closeDb(): Promise<void> {
  const s = state();
  const pending = s.handle;
  s.handle = undefined;
  s.current = undefined;
  if (!pending) return;
  const h = await pending.catch(() => undefined);
  await h?.close();
}
