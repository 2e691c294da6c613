// Helpers for the store's own tests: throwaway PGlite directories and PostgreSQL databases, so
// test files never share state and can run in parallel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { TEST_DATABASE_URL } from "@/test/support/services";

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
