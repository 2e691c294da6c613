// The policy version store on embedded PGlite (the same suite runs on PostgreSQL in policy-versions.int.test.ts).
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "./db";
import { policyVersionSuite } from "./policy-versions.suite";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  tmp.remove();
});

policyVersionSuite("PGlite", () => h.prisma);
