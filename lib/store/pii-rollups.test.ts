// PII rollups on embedded PGlite (the same suite runs on PostgreSQL in pii-rollups.int.test.ts).
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "./db";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";
import { piiRollupSuite } from "./pii-rollups.suite";

const tmp = tempDir();
let h: DbHandle;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  tmp.remove();
});

piiRollupSuite("PGlite", () => h.prisma);
