import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationChecksum, MigrationError, pgliteSession, readMigrations } from "./migrate";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A private copy of prisma/migrations that a test may change. */
function copyMigrations(name: string): string {
  const dir = path.join(tmp.dir, name);
  cpSync(REPO_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("migrate on PGlite", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
  });
  afterAll(async () => db.close());

  it("applies every migration once, records it like Prisma, and enables pgvector", async () => {
    const files = readMigrations(REPO_MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);

    const first = await migrate(pgliteSession(db), { migrationsDir: REPO_MIGRATIONS_DIR });
    expect(first.applied).toEqual(files.map((f) => f.name));
    expect(first.vector).toBe(true);

    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["_prisma_migrations", "api_keys", "organizations", "request_logs", "teams", "users"]),
    );

    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.rows).toHaveLength(files.length);
    for (const [i, r] of rows.rows.entries()) {
      const file = files[i];
      expect(r.migration_name).toBe(file.name);
      // Prisma's convention: sha256 hex of the file.
      const onDisk = readFileSync(path.join(REPO_MIGRATIONS_DIR, file.name, "migration.sql"), "utf8");
      expect(r.checksum).toBe(migrationChecksum(onDisk));
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.started_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.logs).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }

    const ext = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
    expect(ext.rows).toHaveLength(1);
  });

  it("is idempotent: a second run applies nothing and adds no rows", async () => {
    const again = await migrate(pgliteSession(db), { migrationsDir: REPO_MIGRATIONS_DIR });
    expect(again.applied).toEqual([]);
    expect(again.vector).toBe(true);
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(count.rows[0].n).toBe(readMigrations(REPO_MIGRATIONS_DIR).length);
  });

  it("applies a migration added later, and only that one", async () => {
    const dir = copyMigrations("added");
    mkdirSync(path.join(dir, "29990101000000_add_note"));
    writeFileSync(path.join(dir, "29990101000000_add_note", "migration.sql"), `ALTER TABLE "users" ADD COLUMN "note" TEXT;\n`);
    const r = await migrate(pgliteSession(db), { migrationsDir: dir });
    expect(r.applied).toEqual(["29990101000000_add_note"]);
    const col = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'note'`);
    expect(col.rows).toHaveLength(1);
  });

  it("refuses to run when an applied migration's file changed", async () => {
    const dir = copyMigrations("edited");
    const [first] = readMigrations(dir);
    const file = path.join(dir, first.name, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8") + "\n-- edited after the fact\n");
    const err = await migrate(pgliteSession(db), { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain(`Migration '${first.name}' was modified after it was applied`);
  });

  it("accepts a file whose only change is CRLF line endings (as Prisma does)", async () => {
    const dir = copyMigrations("crlf");
    const [first] = readMigrations(dir);
    const file = path.join(dir, first.name, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
    await expect(migrate(pgliteSession(db), { migrationsDir: dir })).resolves.toMatchObject({ applied: [] });
  });

  it("accepts the unpadded checksums that old Prisma versions recorded", async () => {
    const dir = copyMigrations("legacy");
    // A script whose digest has a byte below 0x10, so the legacy rendering is shorter than 64.
    let sql = "";
    for (let n = 0; ; n++) {
      sql = `CREATE TABLE "legacy_${n}" (id int);\n`;
      if (migrationChecksum(sql).match(/../g)!.some((h) => h.startsWith("0"))) break;
    }
    mkdirSync(path.join(dir, "29990102000000_legacy"));
    writeFileSync(path.join(dir, "29990102000000_legacy", "migration.sql"), sql);
    await migrate(pgliteSession(db), { migrationsDir: dir });

    const legacy = [...Buffer.from(migrationChecksum(sql), "hex")].map((b) => b.toString(16)).join("");
    expect(legacy.length).toBeLessThan(64);
    const setChecksum = (c: string) =>
      db.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = '29990102000000_legacy'`, [c]);
    await setChecksum(legacy);
    await expect(migrate(pgliteSession(db), { migrationsDir: dir })).resolves.toMatchObject({ applied: [] });
    await setChecksum(legacy.slice(1) + "0");
    await expect(migrate(pgliteSession(db), { migrationsDir: dir })).rejects.toThrow(/was modified/);
    await setChecksum(migrationChecksum(sql));
  });
});

describe("migrate failure handling", () => {
  it("records a failed migration and then refuses to continue until it is resolved", async () => {
    const db = await PGlite.create();
    try {
      const dir = copyMigrations("broken");
      mkdirSync(path.join(dir, "29990101000000_broken"));
      writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), `CREATE TABLE "ok_table" (id int);\nSELECT * FROM "no_such_table";\n`);

      const err = await migrate(pgliteSession(db), { migrationsDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toMatch(/29990101000000_broken' failed/);

      const row = await db.query<{ finished_at: Date | null; logs: string | null }>(
        `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
      );
      expect(row.rows[0].finished_at).toBeNull();
      expect(row.rows[0].logs).toContain("no_such_table");
      // The script ran as one implicit transaction: its first statement was rolled back too.
      const t = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'ok_table'`);
      expect(t.rows).toHaveLength(0);

      const again = await migrate(pgliteSession(db), { migrationsDir: dir }).catch((e: unknown) => e);
      expect((again as Error).message).toMatch(/failed earlier and was not resolved/);

      // Resolving it (as `prisma migrate resolve --rolled-back` does) lets a fixed file through.
      await db.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '29990101000000_broken'`);
      writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), `CREATE TABLE "ok_table" (id int);\n`);
      await expect(migrate(pgliteSession(db), { migrationsDir: dir })).resolves.toMatchObject({ applied: ["29990101000000_broken"] });
    } finally {
      await db.close();
    }
  });

  it("reports vector=false and still migrates where pgvector is not available", async () => {
    const db = await PGlite.create(); // no extension bundle loaded
    try {
      const r = await migrate(pgliteSession(db), { migrationsDir: REPO_MIGRATIONS_DIR });
      expect(r.vector).toBe(false);
      expect(r.applied.length).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
