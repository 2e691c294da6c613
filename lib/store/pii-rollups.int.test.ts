// PII rollups on the real PostgreSQL (the same suite as on PGlite).
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "./db";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "./test-support";
import { piiRollupSuite } from "./pii-rollups.suite";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let h: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

piiRollupSuite("PostgreSQL", () => h.prisma);
