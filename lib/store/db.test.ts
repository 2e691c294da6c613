// The embedded database: PGlite in a temp HELIX_DATA_DIR, through the process-wide getDb().
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { closeDb, dbInfo, getDb, maskDatabaseUrl, openDb, pingDb } from "./db";
import { readMigrations } from "./migrate";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
const saved = { DATABASE_URL: process.env.DATABASE_URL, HELIX_DATA_DIR: process.env.HELIX_DATA_DIR };

beforeAll(() => {
  delete process.env.DATABASE_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data"); // does not exist yet
  resetEnvForTests();
});
afterAll(async () => {
  await closeDb();
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  resetEnvForTests();
  tmp.remove();
});

describe("getDb without DATABASE_URL (embedded PGlite)", () => {
  it("reports its configuration before it is opened", () => {
    expect(dbInfo()).toMatchObject({ kind: "pglite", ready: false, location: path.join(tmp.dir, "data", "pgdata") });
  });

  it("opens once for concurrent callers, migrates, and keeps the singleton on globalThis", async () => {
    const [a, b] = await Promise.all([getDb(), getDb()]);
    expect(a).toBe(b);
    expect(await getDb()).toBe(a);
    const info = dbInfo();
    expect(info).toMatchObject({ kind: "pglite", vector: true, ready: true });
    expect(info.appliedMigrations).toEqual(readMigrations(REPO_MIGRATIONS_DIR).map((m) => m.name));
    expect(existsSync(path.join(tmp.dir, "data", "pgdata"))).toBe(true);
    const state = (globalThis as unknown as Record<symbol, { current?: unknown }>)[Symbol.for("helix.store.db")];
    expect(state?.current).toBeDefined();
    await pingDb();
  });

  it("serialises concurrent queries and transactions on the single PGlite connection", async () => {
    const db = await getDb();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? db.$transaction(async (tx) => {
              const org = await tx.organization.create({ data: { name: `org-${i}` } });
              await tx.team.create({ data: { name: "t", orgId: org.id } });
            })
          : db.organization.create({ data: { name: `org-${i}` } }),
      ),
    );
    expect(await db.organization.count()).toBe(20);
    expect(await db.team.count()).toBe(10);
    // A failed transaction rolls back and leaves the connection usable.
    await expect(
      db.$transaction(async (tx) => {
        await tx.organization.create({ data: { name: "rolled-back" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.organization.findUnique({ where: { name: "rolled-back" } })).toBeNull();
  });

  it("keeps data across close and reopen, without re-applying migrations", async () => {
    await closeDb();
    expect(dbInfo().ready).toBe(false);
    const db = await getDb();
    expect(await db.organization.count()).toBe(20);
    expect(dbInfo().appliedMigrations).toEqual([]);
  });

  it("refuses a second open of the same data directory", async () => {
    const dir = path.join(tmp.dir, "data", "pgdata");
    // Pretend another live process holds it: this test runner's parent.
    const { writeFileSync } = await import("node:fs");
    await closeDb();
    writeFileSync(path.join(dir, "helix.pid"), String(process.ppid));
    await expect(openDb({ pgliteDir: dir, migrationsDir: REPO_MIGRATIONS_DIR })).rejects.toThrow(/in use by another Helix process/);
    writeFileSync(path.join(dir, "helix.pid"), "999999999"); // stale: taken over
    const h = await openDb({ pgliteDir: dir, migrationsDir: REPO_MIGRATIONS_DIR });
    expect(await h.prisma.organization.count()).toBe(20);
    await h.close();
    expect(existsSync(path.join(dir, "helix.pid"))).toBe(false);
  });
});

describe("maskDatabaseUrl", () => {
  it("hides the password, in the URL and in query parameters (node-postgres reads ?password=)", () => {
    expect(maskDatabaseUrl("postgres://helix:s3cret@db:5432/helix?schema=app&password=q-s3cret&sslpassword=k&sslmode=require")).toBe(
      "postgres://helix:****@db:5432/helix?schema=app&password=****&sslpassword=****&sslmode=require",
    );
    expect(maskDatabaseUrl("postgres://db/helix")).toBe("postgres://db/helix");
    expect(maskDatabaseUrl("not a url")).toBe("<invalid url>");
  });
});
