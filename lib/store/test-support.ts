// Helpers for the store's own tests: throwaway PGlite directories and PostgreSQL databases, so
// test files never share state and can run in parallel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "@/test/support/services";
import { openDb, type DbHandle } from "./db";
import { RedisKv } from "./kv-redis";

export function tempDir(prefix = "helix-store-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, empty database `helix_test_<random>` on the test server; drop() removes it. */
export async function createTestDatabase(baseUrl = TEST_DATABASE_URL): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `helix_test_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** The repository's migrations directory. */
export const REPO_MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export interface TestDatabase {
  name: "PGlite" | "PostgreSQL";
  /** A migrated, empty database; `cleanup` closes the handle and removes the database. */
  open: () => Promise<{ h: DbHandle; cleanup: () => Promise<void> }>;
}

/** Both backends a store test runs on (`describe.each(TEST_DATABASES)("… on $name", …)`). */
export const TEST_DATABASES: TestDatabase[] = [
  {
    name: "PGlite",
    open: async () => {
      const tmp = tempDir();
      const h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
      return { h, cleanup: async () => (await h.close(), tmp.remove()) };
    },
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const d = await createTestDatabase();
      const h = await openDb({ databaseUrl: d.url, migrationsDir: REPO_MIGRATIONS_DIR });
      return { h, cleanup: async () => (await h.close(), await d.drop()) };
    },
  },
];

export interface TwoInstances {
  /** Two independent connections to one fresh database, as two gateway instances would have. */
  dbA: DbHandle;
  dbB: DbHandle;
  /** Two Redis clients under one random key prefix (shared state, isolated from other tests). */
  kvA: RedisKv;
  kvB: RedisKv;
  close: () => Promise<void>;
}

/** The setup of the "two instances on one PostgreSQL and one Redis" integration tests. */
export async function twoInstances(redisUrl = TEST_REDIS_URL): Promise<TwoInstances> {
  const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
  const database = await createTestDatabase();
  const kvA = new RedisKv({ url: redisUrl, keyPrefix: prefix });
  const kvB = new RedisKv({ url: redisUrl, keyPrefix: prefix });
  const [dbA, dbB] = await Promise.all([
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
  ]);
  return {
    dbA,
    dbB,
    kvA,
    kvB,
    close: async () => {
      const keys = await kvA.client.keys(`${prefix}*`);
      if (keys.length) await kvA.client.del(...keys.map((k) => k.slice(prefix.length)));
      await Promise.all([kvA.close(), kvB.close(), dbA.close(), dbB.close()]);
      await database.drop();
    },
  };
}
