// Against the real PostgreSQL (TEST_DATABASE_URL), each run in its own throwaway database.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "./db";
import { migrate, migrationChecksum, MigrationError, MIGRATION_ADVISORY_LOCK_KEY, pgSession, readMigrations } from "./migrate";
import { createTestDatabase, REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const tmp = tempDir();
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await database.drop();
  tmp.remove();
});

describe("migrate on PostgreSQL", () => {
  it("two instances starting at once: one applies, the other waits and applies nothing", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const results = await Promise.all([
      migrate(pgSession(a), { migrationsDir: REPO_MIGRATIONS_DIR }),
      migrate(pgSession(b), { migrationsDir: REPO_MIGRATIONS_DIR }),
    ]);
    const names = readMigrations(REPO_MIGRATIONS_DIR).map((m) => m.name);
    const applied = results.map((r) => r.applied).sort((x, y) => y.length - x.length);
    expect(applied).toEqual([names, []]);

    const c = await connect();
    const rows = await c.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.rows.map((r) => r.migration_name)).toEqual(names);
    for (const r of rows.rows) {
      const sql = readFileSync(path.join(REPO_MIGRATIONS_DIR, r.migration_name, "migration.sql"), "utf8");
      expect(r.checksum).toBe(migrationChecksum(sql));
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.applied_steps_count).toBe(1);
      expect(r.rolled_back_at).toBeNull();
    }
    // The lock was released by both.
    const lock = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [
      MIGRATION_ADVISORY_LOCK_KEY,
    ]);
    expect(lock.rows[0].n).toBe(0);
  });

  it("is idempotent", async () => {
    const r = await migrate(pgSession(await connect()), { migrationsDir: REPO_MIGRATIONS_DIR });
    expect(r.applied).toEqual([]);
  });

  it("reports pgvector exactly as the server offers it, and migrates either way", async () => {
    const c = await connect();
    const available = (await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)).rowCount! > 0;
    const r = await migrate(pgSession(c), { migrationsDir: REPO_MIGRATIONS_DIR });
    expect(r.vector).toBe(available);
  });

  it("waits for a lock held elsewhere and fails clearly when it is not released", async () => {
    const holder = await connect();
    await holder.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_ADVISORY_LOCK_KEY]);
    try {
      const err = await migrate(pgSession(await connect()), { migrationsDir: REPO_MIGRATIONS_DIR, lockTimeoutMs: 300 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toMatch(/Timed out .* waiting for the migration lock/);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_ADVISORY_LOCK_KEY]);
    }
  });

  it("a changed checksum is an error", async () => {
    const dir = path.join(tmp.dir, "edited");
    cpSync(REPO_MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = readMigrations(dir);
    writeFileSync(path.join(dir, first.name, "migration.sql"), "-- rewritten\n" + first.sql);
    const err = await migrate(pgSession(await connect()), { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain("was modified after it was applied");
  });

  it("honours Prisma's ?schema= for migrations and the client", async () => {
    const url = new URL(database.url);
    url.searchParams.set("schema", "tenant_a");
    const h = await openDb({ databaseUrl: url.toString(), migrationsDir: REPO_MIGRATIONS_DIR });
    try {
      expect(h.info.kind).toBe("postgres");
      expect(h.info.appliedMigrations).toEqual(readMigrations(REPO_MIGRATIONS_DIR).map((m) => m.name));
      await h.prisma.organization.create({ data: { name: "acme" } });
      const c = await connect();
      const inSchema = await c.query(`SELECT name FROM "tenant_a"."organizations"`);
      expect(inSchema.rows).toEqual([{ name: "acme" }]);
      const inPublic = await c.query(`SELECT count(*)::int AS n FROM public.organizations`);
      expect(inPublic.rows[0].n).toBe(0);
      await h.ping();
    } finally {
      await h.close();
    }
  });

  it("masks the password in the reported location", async () => {
    const url = new URL(database.url);
    url.password = "s3cret";
    const h = await openDb({ databaseUrl: url.toString(), migrationsDir: REPO_MIGRATIONS_DIR });
    try {
      expect(h.info.location).not.toContain("s3cret");
      expect(h.info.location).toContain("****");
    } finally {
      await h.close();
    }
  });
});
