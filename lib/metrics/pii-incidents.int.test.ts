// PII figures on the real PostgreSQL (the same suite as on PGlite).
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "@/lib/store/test-support";
import { piiIncidentsSuite } from "./pii-incidents.suite";

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

piiIncidentsSuite("PostgreSQL", () => h.prisma);
