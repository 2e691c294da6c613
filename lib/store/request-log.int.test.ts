// The batched writer against the real PostgreSQL, including a real connection failure.
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { openDb, type DbHandle } from "./db";
import { RequestLogWriter, type RequestLogEntry } from "./request-log";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "./test-support";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let h: DbHandle;
// A client whose server is not there: every query fails to connect.
const unreachable = new PrismaClient({
  adapter: new PrismaPg({ connectionString: "postgres://postgres@127.0.0.1:1/none", connectionTimeoutMillis: 500 }),
});

let seq = 0;
const entry = (): RequestLogEntry => ({
  id: `pg_${++seq}`,
  endpoint: "chat.completions",
  requestedModel: "m",
  status: 200,
  latencyMs: 1,
});

beforeAll(async () => {
  database = await createTestDatabase();
  h = await openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await unreachable.$disconnect().catch(() => {});
  await h?.close();
  await database?.drop();
});

describe("RequestLogWriter on PostgreSQL", () => {
  it("writes 2,000 rows in batches of 500", async () => {
    const w = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000 });
    for (let i = 0; i < 2_000; i++) w.enqueue(entry());
    expect(await w.close()).toMatchObject({ queued: 0, written: 2_000, failedFlushes: 0, dropped: 0 });
    expect(await h.prisma.requestLog.count()).toBe(2_000);
  });

  it("survives a database outage without losing a row", async () => {
    let db: PrismaClient = unreachable;
    const w = new RequestLogWriter({ db: async () => db, flushMs: 20, maxBackoffMs: 100 });
    const before = await h.prisma.requestLog.count();
    for (let i = 0; i < 25; i++) w.enqueue(entry());
    const during = await w.flush();
    expect(during).toMatchObject({ queued: 25, written: 0, dropped: 0 });
    expect(during.failedFlushes).toBeGreaterThan(0);

    db = h.prisma; // the database is back
    await expect.poll(() => h.prisma.requestLog.count(), { timeout: 10_000 }).toBe(before + 25);
    expect(w.stats()).toMatchObject({ queued: 0, written: 25, dropped: 0 });
    await w.close();
  });

  it("a batch committed whose reply was lost is retried without counting twice in the rollups", async () => {
    await h.prisma.requestLog.deleteMany();
    await h.prisma.usageRollup.deleteMany();
    let lose = 1;
    // The statement runs and commits, then the client never hears back (once).
    const flaky = new Proxy(h.prisma, {
      get(target, prop, receiver) {
        if (prop === "$queryRawUnsafe") {
          return async (...args: Parameters<PrismaClient["$queryRawUnsafe"]>) => {
            const out = await target.$queryRawUnsafe(...args);
            if (lose > 0 && String(args[0]).includes("INSERT INTO request_logs")) {
              lose--;
              throw new Error("Connection terminated unexpectedly");
            }
            return out;
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const w = new RequestLogWriter({ db: async () => flaky, flushMs: 60_000 });
    for (let i = 0; i < 30; i++) w.enqueue({ ...entry(), costMicros: 1_000 });
    await w.close();
    expect(await h.prisma.requestLog.count()).toBe(30);
    const sums = await h.prisma.usageRollup.groupBy({ by: ["granularity"], where: { dimension: "global" }, _sum: { requests: true, costMicros: true } });
    expect(sums.map((r) => [r.granularity, r._sum.requests, r._sum.costMicros]).sort()).toEqual([
      ["day", 30n, 30_000n],
      ["hour", 30n, 30_000n],
      ["minute", 30n, 30_000n],
    ]);
  });
});
