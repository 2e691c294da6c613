// The policy version store on PostgreSQL, with two connections as two gateway instances would
// have: concurrent saves from one base version, one wins.
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "./db";
import { policyVersionSuite } from "./policy-versions.suite";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "./test-support";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let h: DbHandle;
let h2: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR });
  h2 = await openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h2?.close();
  await h?.close();
  await database?.drop();
});

policyVersionSuite("PostgreSQL", () => h.prisma, () => h2.prisma);
