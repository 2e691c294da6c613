// The leaderboards suite on PostgreSQL (a fresh database; the same suite runs on PGlite in leaderboards.test.ts).
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "@/lib/store/test-support";
import { leaderboardSuite } from "./leaderboards.suite";

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

leaderboardSuite("PostgreSQL", () => h.prisma);
