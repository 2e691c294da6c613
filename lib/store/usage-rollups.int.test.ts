// Usage rollups on the real PostgreSQL (the same suite as on PGlite), plus two writers at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "./db";
import { RequestLogWriter } from "./request-log";
import { sampleEntries, usageRollupSuite } from "./usage-rollups.suite";
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

usageRollupSuite("PostgreSQL", () => h.prisma);

describe("two gateway instances writing at once", () => {
  it("add up on the same rollup rows without losing or doubling a request", async () => {
    await h.prisma.$executeRawUnsafe("DELETE FROM request_logs");
    await h.prisma.$executeRawUnsafe("DELETE FROM usage_rollups");
    const a = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000, batchSize: 100 });
    const b = new RequestLogWriter({ db: async () => h2.prisma, flushMs: 60_000, batchSize: 100 });
    // Same buckets and values on both sides; some ids written by both.
    const mine = sampleEntries(600, "a", 1);
    const theirs = [...sampleEntries(600, "b", 1), ...mine.slice(0, 50)];
    for (const e of mine) a.enqueue(e);
    for (const e of theirs) b.enqueue(e);
    const [sa, sb] = await Promise.all([a.close(), b.close()]);
    expect(sa.written + sb.written).toBe(1200);
    expect(sa.dropped + sb.dropped).toBe(0);
    const rows = await h.prisma.$queryRawUnsafe<Array<{ r: number; l: number }>>(
      "SELECT (SELECT sum(requests)::int FROM usage_rollups WHERE granularity = 'minute' AND dimension = 'model') AS r, (SELECT count(*)::int FROM request_logs) AS l",
    );
    expect(rows[0]).toEqual({ r: 1200, l: 1200 });
  });
});
