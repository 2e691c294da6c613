// System health probes: real PGlite/PostgreSQL and Redis when up, and dead ones reported (not thrown).
import { readdirSync } from "node:fs";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { RedisKv } from "@/lib/store/kv-redis";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { REPO_MIGRATIONS_DIR, TEST_DATABASES } from "@/lib/store/test-support";
import { TEST_REDIS_URL } from "@/test/support/services";
import { configHash, databaseFacts, instanceFacts, probe, providerHealth, redisFacts } from "./system-health";

const NOW = new Date("2026-11-29T12:30:00.000Z");
const MIGRATIONS = readdirSync(REPO_MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe("probe", () => {
  it("reports a failure or a silent dependency instead of throwing", async () => {
    await expect(probe(async () => ({ a: 1 }))).resolves.toEqual({ status: "ok", a: 1 });
    await expect(probe(() => Promise.reject(new Error("boom")))).resolves.toEqual({ status: "error", error: "boom" });
    await expect(probe(() => new Promise<object>(() => {}), 50)).resolves.toEqual({ status: "error", error: "no answer within 50 ms" });
  });
});

describe("database down", () => {
  it("is reported with the driver's error, not thrown", async () => {
    const dead = () => openDb({ databaseUrl: "postgres://postgres@127.0.0.1:1/nothing", migrationsDir: REPO_MIGRATIONS_DIR }).then((h) => h.prisma);
    const r = await probe(() => databaseFacts(dead), 5_000);
    expect(r.status).toBe("error");
    expect((r as { error: string }).error).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe("Redis", () => {
  it("reports version, memory and ping time of a live server", async () => {
    const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const r = await redisFacts(client);
      expect(r.version).toMatch(/^\d+\.\d+/);
      expect(r.usedMemoryBytes).toBeGreaterThan(0);
      expect(r.pingMs).toBeGreaterThanOrEqual(0);
    } finally {
      client.disconnect();
    }
  });

  it("reports an unreachable server, not throws", async () => {
    const kv = new RedisKv({ url: "redis://127.0.0.1:1", startupWaitMs: 100, commandTimeoutMs: 200 });
    try {
      const r = await probe(() => redisFacts(kv.client), 1_000);
      expect(r.status).toBe("error");
    } finally {
      await kv.close();
    }
  });
});

describe("instance and config", () => {
  it("describes the process", () => {
    const i = instanceFacts("1.2.3", Date.now());
    expect(i).toMatchObject({ version: "1.2.3", pid: process.pid, node: process.version });
    expect(i.rssBytes).toBeGreaterThan(0);
    expect(i.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("fingerprints the config regardless of key order", () => {
    expect(configHash({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(configHash({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{12}$/);
  });
});

function row(i: number, minutesAgo: number, provider: string, status: number, latencyMs: number): RequestLogEntry {
  return {
    id: `hp-${i}`,
    createdAt: new Date(NOW.getTime() - minutesAgo * 60_000),
    endpoint: "chat.completions",
    requestedModel: provider === "openai" ? "gpt-4o-mini" : "claude-3-5-haiku",
    provider,
    status,
    errorType: status >= 500 ? "upstream_error" : null,
    latencyMs,
  };
}

const targets = TEST_DATABASES;

describe.each(targets)("database and providers on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ h, cleanup } = await open());
    const w = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000, batchSize: 500 });
    // openai: 10 in the last hour (2 of them 502s), 20 more 3-10 h ago; anthropic: 5, 2 h ago; groq: a day and a half ago.
    for (let i = 0; i < 10; i++) w.enqueue(row(i, 5 + i, "openai", i < 2 ? 502 : 200, 40));
    for (let i = 10; i < 30; i++) w.enqueue(row(i, 180 + i * 20, "openai", 200, 400));
    for (let i = 30; i < 35; i++) w.enqueue(row(i, 120, "anthropic", 200, 800));
    w.enqueue(row(99, 36 * 60, "groq", 500, 100));
    await w.close();
  }, 60_000);
  afterAll(async () => cleanup?.());

  it("counts the applied migrations and times a round trip", async () => {
    const f = await databaseFacts(async () => h.prisma);
    expect(f.migrationsApplied).toBe(MIGRATIONS.length);
    expect(f.latestMigration).toBe(MIGRATIONS.at(-1));
    expect(f.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it("gives each provider's last hour and day from the rollups, its last 5xx, and configured ones without traffic", async () => {
    const list = await providerHealth(h.prisma, NOW, [
      { provider: "openai", model: "gpt-4o-mini" },
      { provider: "gemini", model: "gemini-flash" },
    ]);
    const by = new Map(list.map((p) => [p.provider, p]));
    expect([...by.keys()]).toEqual(["openai", "anthropic", "gemini"]);
    const openai = by.get("openai")!;
    expect(openai).toMatchObject({ configured: true, models: ["gpt-4o-mini"] });
    expect(openai.lastHour).toMatchObject({ requests: 10, errors: 2, errorRate: 0.2 });
    expect(openai.lastHour.latencyP95Ms).toBeLessThanOrEqual(50);
    expect(openai.lastDay).toMatchObject({ requests: 30, errors: 2 });
    expect(openai.lastDay.latencyP95Ms).toBeGreaterThan(250);
    expect(openai.lastError).toMatchObject({ status: 502, requestId: "hp-0", model: "gpt-4o-mini" });
    expect(by.get("anthropic")).toMatchObject({ configured: false, lastHour: { requests: 0, errorRate: null }, lastDay: { requests: 5, errors: 0 }, lastError: null });
    expect(by.get("gemini")).toMatchObject({ configured: true, lastDay: { requests: 0 } });
    // groq's only request (and error) is older than a day.
    expect(by.has("groq")).toBe(false);
  });
});
