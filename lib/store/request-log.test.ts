// The batched request-log writer on embedded PGlite.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { closeDb, getDb, openDb, type DbHandle } from "./db";
import { enqueueRequestLog, flushRequestLogs, requestLogStats, RequestLogWriter, type RequestLogEntry } from "./request-log";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";
import { appendSpool } from "./spool";

const tmp = tempDir();
let h: DbHandle;
const writers: RequestLogWriter[] = [];

function writer(opts: Partial<ConstructorParameters<typeof RequestLogWriter>[0]> = {}): RequestLogWriter {
  const w = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000, ...opts });
  writers.push(w);
  return w;
}

let seq = 0;
function entry(over: Partial<RequestLogEntry> = {}): RequestLogEntry {
  seq++;
  return {
    id: `req_${process.pid}_${seq}`,
    endpoint: "chat.completions",
    requestedModel: "gpt-4o-mini",
    status: 200,
    latencyMs: 12.6,
    ...over,
  };
}

const count = () => h.prisma.requestLog.count();

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
beforeEach(async () => {
  await h.prisma.requestLog.deleteMany();
  await h.prisma.usageRollup.deleteMany();
});
afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
  await h.close();
  tmp.remove();
});

describe("RequestLogWriter", () => {
  it("writes N enqueued rows as N rows, in batches, with every field", async () => {
    let dbCalls = 0;
    const w = writer({
      batchSize: 500,
      db: async () => {
        dbCalls++;
        return h.prisma;
      },
    });
    const createdAt = new Date("2026-01-02T03:04:05.678Z");
    const prompt = [{ role: "user", content: "hi" }];
    w.enqueue(
      entry({
        id: "full",
        createdAt,
        endpoint: "embeddings",
        apiKeyId: "k1",
        keyHash: "h",
        userId: "u",
        teamId: "t",
        orgId: "o",
        endUser: "end-user-1",
        servedModel: "gpt-4o-mini-2024",
        provider: "openai",
        status: 429,
        errorType: "rate_limit_error",
        errorMessage: "slow down",
        stream: true,
        cacheStatus: "MISS",
        attempts: 3,
        upstreamLatencyMs: 10,
        ttftMs: 5,
        inputTokens: 7,
        outputTokens: 9,
        cachedInputTokens: 3,
        reasoningTokens: 4,
        costMicros: 12_345.4,
        costStatus: "estimated",
        priceSource: "config",
        cacheSavingsMicros: 0,
        swapSavingsMicros: -250,
        swapRule: "short-to-mini",
        swapReason: "prompt under 200 tokens",
        prompt,
        response: { ok: true },
      }),
    );
    prompt[0].content = "mutated after enqueue";
    for (let i = 0; i < 1233; i++) w.enqueue(entry());
    expect(w.stats().queued).toBe(1234);
    expect(dbCalls).toBe(0); // nothing touched the database on the caller's path

    const stats = await w.flush();
    expect(stats).toMatchObject({ queued: 0, written: 1234, failedFlushes: 0, dropped: 0 });
    expect(await count()).toBe(1234);
    expect(dbCalls).toBe(3); // 500 + 500 + 234
    const full = await h.prisma.requestLog.findUniqueOrThrow({ where: { id: "full" } });
    expect(full).toMatchObject({
      createdAt,
      endpoint: "embeddings",
      apiKeyId: "k1",
      endUser: "end-user-1",
      status: 429,
      stream: true,
      attempts: 3,
      latencyMs: 13,
      ttftMs: 5,
      cachedInputTokens: 3,
      reasoningTokens: 4,
      costMicros: 12_345n, // BIGINT micro-USD, rounded to an integer
      costStatus: "estimated",
      priceSource: "config",
      cacheSavingsMicros: 0n,
      swapSavingsMicros: -250n,
      swapRule: "short-to-mini",
      swapReason: "prompt under 200 tokens",
      prompt: [{ role: "user", content: "hi" }],
      response: { ok: true },
    });
    const plain = await h.prisma.requestLog.findFirstOrThrow({ where: { id: { not: "full" } } });
    expect(plain).toMatchObject({ prompt: null, response: null, stream: false, attempts: 1, costMicros: null, costStatus: null, swapRule: null });
    // The same statement kept the rollups: every row counted once.
    const rolled = await h.prisma.usageRollup.aggregate({ _sum: { requests: true }, where: { granularity: "day", dimension: "global" } });
    expect(rolled._sum.requests).toBe(1234n);
  });

  it("flushes on its timer, and early when a batch is full", async () => {
    const timed = writer({ flushMs: 30 });
    for (let i = 0; i < 3; i++) timed.enqueue(entry());
    await expect.poll(count).toBe(3);

    const batched = writer({ flushMs: 60_000, batchSize: 50 });
    for (let i = 0; i < 50; i++) batched.enqueue(entry());
    await expect.poll(count).toBe(53); // long before the 60 s timer
  });

  it("keeps rows while the database is down and writes them when it is back", async () => {
    let down = true;
    const logs: string[] = [];
    const w = writer({
      flushMs: 20,
      maxBackoffMs: 100,
      log: (m) => logs.push(m),
      db: async () => {
        if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
        return h.prisma;
      },
    });
    for (let i = 0; i < 10; i++) w.enqueue(entry());
    const during = await w.flush();
    expect(during.queued).toBe(10);
    expect(during.written).toBe(0);
    expect(during.failedFlushes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 150)); // background retries keep failing, rows stay
    expect(w.stats()).toMatchObject({ queued: 10, written: 0, dropped: 0 });
    expect(logs.some((m) => m.includes("ECONNREFUSED"))).toBe(true);

    down = false;
    // No explicit flush: the background retry gets them in.
    await expect.poll(count, { timeout: 5_000 }).toBe(10);
    expect(w.stats()).toMatchObject({ queued: 0, written: 10, dropped: 0 });
  });

  it("is bounded while the database is down: the oldest rows are dropped and counted", async () => {
    let down = true;
    const w = writer({ maxQueued: 5, db: async () => (down ? Promise.reject(new Error("down")) : h.prisma) });
    const ids = Array.from({ length: 8 }, () => entry());
    for (const e of ids) w.enqueue(e);
    await w.flush();
    expect(w.stats()).toMatchObject({ queued: 5, dropped: 3 });
    down = false;
    await w.flush();
    const rows = await h.prisma.requestLog.findMany({ select: { id: true } });
    expect(rows.map((r) => r.id).sort()).toEqual(ids.slice(3).map((e) => e.id).sort());
  });

  it("drops only a row the database rejects, not its batch", async () => {
    const w = writer();
    w.enqueue(entry());
    w.enqueue(entry({ errorMessage: "nul \u0000 byte" })); // Postgres text cannot hold NUL
    w.enqueue(entry());
    const stats = await w.flush();
    expect(stats).toMatchObject({ queued: 0, written: 2, dropped: 1 });
    expect(await count()).toBe(2);
  });

  it("ignores a second row with the same request id", async () => {
    const w = writer();
    w.enqueue(entry({ id: "dup", status: 200 }));
    await w.flush();
    w.enqueue(entry({ id: "dup", status: 500 }));
    const stats = await w.flush();
    expect(stats.failedFlushes).toBe(0);
    expect((await h.prisma.requestLog.findUniqueOrThrow({ where: { id: "dup" } })).status).toBe(200);
  });

  it("rows unwritten at shutdown (database down) are spooled, and written exactly once by the next start's replay", async () => {
    const spoolFile = path.join(tmp.dir, "spool", `request-log-${seq}.jsonl`);
    const down = writer({ spoolFile, db: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) });
    const createdAt = new Date("2026-03-04T05:06:07.089Z");
    const entries = Array.from({ length: 7 }, (_, i) => entry({ createdAt, prompt: [{ role: "user", content: `p${i}` }] }));
    for (const e of entries) down.enqueue(e);
    expect(await down.shutdown()).toMatchObject({ queued: 0, written: 0, spooled: 7 });
    expect(readFileSync(spoolFile, "utf8").trim().split("\n")).toHaveLength(7);

    // The next process: its database is still down at first, then back.
    let isDown = true;
    const next = writer({ spoolFile, flushMs: 20, maxBackoffMs: 50, db: async () => (isDown ? Promise.reject(new Error("down")) : h.prisma) });
    expect(await next.replaySpool()).toBe(7);
    expect(next.stats().queued).toBe(7);
    expect(existsSync(`${spoolFile}.replaying`)).toBe(true); // kept until its rows are written
    isDown = false;
    await expect.poll(count, { timeout: 5_000 }).toBe(7);
    await expect.poll(() => existsSync(`${spoolFile}.replaying`)).toBe(false);
    expect(existsSync(spoolFile)).toBe(false);
    const row = await h.prisma.requestLog.findUniqueOrThrow({ where: { id: entries[3].id } });
    expect(row.createdAt.toISOString()).toBe(createdAt.toISOString());
    expect(row.prompt).toEqual([{ role: "user", content: "p3" }]);
    // A stale spool replayed again (a crash before its deletion) adds nothing.
    appendSpool(spoolFile, [{ ...entries[0], createdAt: createdAt.toISOString() }]);
    expect(await writer({ spoolFile }).replaySpool()).toBe(1);
    expect(await count()).toBe(7);
    expect(existsSync(spoolFile) || existsSync(`${spoolFile}.replaying`)).toBe(false);
  });

  it("a shutdown during a replay that cannot write spools the rows again, once", async () => {
    const spoolFile = path.join(tmp.dir, "spool", `request-log-${seq}-b.jsonl`);
    const fail = async () => Promise.reject(new Error("down"));
    const first = writer({ spoolFile, db: fail });
    for (let i = 0; i < 4; i++) first.enqueue(entry());
    expect((await first.shutdown()).spooled).toBe(4);
    const second = writer({ spoolFile, db: fail });
    expect(await second.replaySpool()).toBe(4);
    second.enqueue(entry());
    expect((await second.shutdown()).spooled).toBe(5);
    expect(existsSync(`${spoolFile}.replaying`)).toBe(false);
    expect(await writer({ spoolFile }).replaySpool()).toBe(5);
    expect(await count()).toBe(5);
  });

  it("never throws from enqueue", () => {
    const w = writer();
    expect(() => w.enqueue(null as unknown as RequestLogEntry)).not.toThrow();
    expect(() => w.enqueue({} as RequestLogEntry)).not.toThrow();
    expect(w.stats().dropped).toBe(2);
  });
});

describe("enqueueRequestLog (process-wide writer, configured by env)", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    delete process.env.DATABASE_URL;
    process.env.HELIX_DATA_DIR = path.join(tmp.dir, "global");
    process.env.HELIX_LOG_FLUSH_MS = "25";
    resetEnvForTests();
  });
  afterAll(async () => {
    await closeDb();
    process.env = saved;
    resetEnvForTests();
  });

  it("flushes on HELIX_LOG_FLUSH_MS into getDb()", async () => {
    const db: PrismaClient = await getDb();
    enqueueRequestLog(entry({ id: "global-1" }));
    enqueueRequestLog(entry({ id: "global-2" }));
    await expect.poll(() => db.requestLog.count()).toBe(2);
    enqueueRequestLog(entry({ id: "global-3" }));
    expect(await flushRequestLogs()).toMatchObject({ queued: 0, written: 3 });
    expect(requestLogStats().written).toBe(3);
  });
});
