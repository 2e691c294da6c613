// Applies prisma/migrations/*/migration.sql at start, on Postgres and PGlite alike, because the
// native engine behind `prisma migrate deploy` is not always available. Bookkeeping matches
// Prisma's `_prisma_migrations` table (same columns, sha256-hex checksums, same advisory lock key)
// so `prisma migrate deploy/status` agree with what the app did wherever the engine does exist.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The smallest surface both pg and PGlite offer: parameterised queries and multi-statement scripts. */
export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script through the simple query protocol (as Prisma does). */
  exec(script: string): Promise<void>;
}

interface PgLikeClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(script: string): Promise<unknown>;
}

/** A session over one node-postgres connection (advisory locks are per connection: never a Pool). */
export function pgSession(client: PgLikeClient): SqlSession {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    // Without parameters node-postgres uses the simple protocol, which allows several statements.
    exec: async (script) => void (await client.query(script)),
  };
}

export function pgliteSession(db: PgliteLike): SqlSession {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (script) => void (await db.exec(script)),
  };
}

/** Prisma's own lock key for migrations, so the app and `prisma migrate deploy` exclude each other. */
export const MIGRATION_ADVISORY_LOCK_KEY = 72707369;

// Prisma's DDL for the bookkeeping table (PostgreSQL flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file, Prisma's checksum. */
  checksum: string;
}

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Where the migrations are, relative to the app's working directory (repo root / image workdir). */
export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

/** prisma/migrations/<name>/migration.sql, sorted by name like the Prisma CLI. */
export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`Migrations directory not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

export interface MigrateOptions {
  migrationsDir?: string;
  /** Postgres schema (Prisma's `?schema=`); created when missing and put first on the search_path. */
  schema?: string;
  /** Try to enable pgvector (default true). */
  vector?: boolean;
  /** How long to wait for another instance that holds the migration lock. */
  lockTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this call (empty when the database was up to date). */
  applied: string[];
  /** Whether the pgvector extension is installed and usable. */
  vector: boolean;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Brings the database up to date. Idempotent; safe when several instances start at once (they
 * queue on Prisma's advisory lock and the later ones find nothing left to apply).
 */
export async function migrate(session: SqlSession, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = readMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  const log = opts.log ?? (() => {});

  if (opts.schema) {
    await session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}; SET search_path TO ${quoteIdent(opts.schema)}`);
  }

  await acquireLock(session, opts.lockTimeoutMs ?? 120_000);
  try {
    const vector = opts.vector === false ? false : await enableVector(session, log);
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at ASC`,
    );

    // A migration that started and neither finished nor was rolled back failed earlier: Prisma
    // refuses to continue (P3009) until an operator resolves it, and so do we.
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `Migration ${failed.map((r) => `'${r.migration_name}'`).join(", ")} failed earlier and was not resolved. ` +
          "Fix the database by hand, then mark it with `prisma migrate resolve --rolled-back <name>` " +
          "(or set rolled_back_at in _prisma_migrations) and restart.",
      );
    }

    const done = new Map<string, AppliedRow>();
    for (const r of rows) if (r.finished_at !== null && r.rolled_back_at === null) done.set(r.migration_name, r);

    for (const m of migrations) {
      const row = done.get(m.name);
      if (row && !checksumMatches(m.sql, row.checksum)) {
        throw new MigrationError(
          `Migration '${m.name}' was modified after it was applied (checksum in the database ${row.checksum}, ` +
            `file ${m.checksum}). Applied migrations must not change: restore the file and put the change in a new ` +
            "migration (npx tsx scripts/db-diff.ts --create <name>).",
        );
      }
    }
    // Rows for migrations this build does not know are expected during a rolling upgrade (a newer
    // instance migrated first); they are reported, not fatal.
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...done.keys()].filter((n) => !known.has(n));
    if (unknown.length > 0) log(`database has migrations this build does not know: ${unknown.join(", ")}`);

    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await applyOne(session, m);
      applied.push(m.name);
      log(`applied migration ${m.name}`);
    }
    return { applied, vector };
  } finally {
    await session.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_ADVISORY_LOCK_KEY]).catch(() => {});
  }
}

// Prisma's own rule: the file may differ only in line endings (CRLF vs LF, git's doing), and old
// Prisma versions wrote checksums whose bytes were not zero-padded (prisma-engines#1887).
function checksumMatches(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, "\n"), sql.replace(/\n/g, "\r\n")];
  return variants.some((v) => {
    const digest = createHash("sha256").update(v, "utf8").digest();
    const rendered =
      checksum.length > 0 && checksum.length !== 64
        ? [...digest].map((b) => b.toString(16)).join("")
        : digest.toString("hex");
    return rendered === checksum;
  });
}

async function applyOne(session: SqlSession, m: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
    [id, m.checksum, m.name],
  );
  try {
    // One simple-protocol script: Postgres runs it as one implicit transaction, as under Prisma.
    await session.exec(m.sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await session
      .query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, `Migration failed: ${message}`])
      .catch(() => {});
    throw new MigrationError(`Migration '${m.name}' failed: ${message}`, { cause: err });
  }
  await session.query(
    `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1`,
    [id],
  );
}

async function acquireLock(session: SqlSession, timeoutMs: number): Promise<void> {
  // Polling pg_try_advisory_lock instead of blocking gives a clear error instead of a hang when
  // another instance is stuck holding the lock.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1) AS locked`, [
      MIGRATION_ADVISORY_LOCK_KEY,
    ]);
    if (row?.locked) return;
    if (Date.now() > deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock ${MIGRATION_ADVISORY_LOCK_KEY}); ` +
          "another instance or `prisma migrate` is migrating this database.",
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Installs pgvector where the server has it; a database without it keeps working (vector=false). */
async function enableVector(session: SqlSession, log: (m: string) => void): Promise<boolean> {
  const installed = await session.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
  if (installed.length > 0) return true;
  const available = await session.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (available.length === 0) {
    log("pgvector is not available on this database server; vector features are disabled");
    return false;
  }
  try {
    await session.exec(`CREATE EXTENSION IF NOT EXISTS vector`);
    return true;
  } catch (err) {
    // Typically a role without CREATE privilege: carry on without vectors.
    log(`could not enable pgvector: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
