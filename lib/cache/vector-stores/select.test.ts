import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { closeDb } from "@/lib/store/db";
import { tempDir } from "@/lib/store/test-support";
import { chooseVectorStore, closeVectorStore, configuredVectorStore, getVectorStore, vectorStoreStatus } from "./select";
import { FakeRediSearch } from "./testing/fake-redisearch";

const fakes: FakeRediSearch[] = [];
async function fakeRedis(search: boolean): Promise<string> {
  const f = new FakeRediSearch({ search });
  fakes.push(f);
  return f.start();
}
const openRedis = async (url: string) => {
  const c = new Redis(url, { lazyConnect: true, protocol: 2, maxRetriesPerRequest: 0 });
  c.on("error", () => {});
  await c.connect();
  return c;
};
const noDb = async (): Promise<PrismaClient> => {
  throw new Error("no database in this test");
};
const someDb = async () => ({}) as PrismaClient;

afterAll(async () => {
  for (const f of fakes) await f.stop();
});

describe("chooseVectorStore", () => {
  it("auto: Redis Stack when REDIS_URL has the search module", async () => {
    const c = await chooseVectorStore({ setting: "auto", redisUrl: await fakeRedis(true), openRedis, getDb: someDb, hasVector: () => true });
    expect(c.status).toMatchObject({ kind: "redis", shared: true, reason: expect.stringMatching(/RediSearch 2\.8\.11/) });
    await c.store.close();
  });

  it("auto: pgvector when Redis has no search module", async () => {
    const c = await chooseVectorStore({ setting: "auto", redisUrl: await fakeRedis(false), openRedis, getDb: someDb, hasVector: () => true });
    expect(c.status).toMatchObject({ kind: "pgvector", shared: true, reason: expect.stringMatching(/no search module/) });
  });

  it("auto: in-process when neither is there, and says it is per instance", async () => {
    const c = await chooseVectorStore({ setting: "auto", getDb: someDb, hasVector: () => false });
    expect(c.status).toMatchObject({ kind: "memory", shared: false });
    expect(c.status.reason).toMatch(/REDIS_URL is not set; the database has no pgvector/);
  });

  it("auto: an unreachable Redis or database is a reason, not a failure", async () => {
    const c = await chooseVectorStore({ setting: "auto", redisUrl: "redis://127.0.0.1:1", openRedis, getDb: noDb });
    expect(c.status.kind).toBe("memory");
    expect(c.status.reason).toMatch(/Redis is unreachable.*database is unavailable/);
  });

  it("explicit settings win, and degrade to in-process with a warning when they cannot be served", async () => {
    const logged: string[] = [];
    expect((await chooseVectorStore({ setting: "memory", redisUrl: await fakeRedis(true), openRedis })).status.kind).toBe("memory");
    const r = await chooseVectorStore({ setting: "redis", redisUrl: await fakeRedis(false), openRedis, log: (m) => logged.push(m) });
    expect(r.status).toMatchObject({ kind: "memory", reason: expect.stringMatching(/vector_store is redis, but Redis has no search module/) });
    const p = await chooseVectorStore({ setting: "pgvector", redisUrl: await fakeRedis(true), openRedis, getDb: someDb, hasVector: () => false, log: (m) => logged.push(m) });
    expect(p.status).toMatchObject({ kind: "memory", reason: expect.stringMatching(/vector_store is pgvector, but the database has no pgvector/) });
    expect(logged).toHaveLength(2);
  });
});

describe("getVectorStore (process-wide)", () => {
  const tmp = tempDir("helix-select-");
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, HELIX_DATA_DIR: process.env.HELIX_DATA_DIR };
  afterEach(async () => {
    await closeVectorStore();
    resetConfigForTests();
  });
  afterAll(async () => {
    await closeDb();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    resetEnvForTests();
    tmp.remove();
  });

  it("reads helix_settings.semantic_cache.vector_store, defaulting to auto", () => {
    resetConfigForTests();
    setConfigForTests({});
    expect(configuredVectorStore()).toBe("auto");
    setConfigForTests({ helix_settings: { semantic_cache: { vector_store: "memory" } } });
    expect(configuredVectorStore()).toBe("memory");
  });

  it("is one store per process and reports its choice", async () => {
    setConfigForTests({ helix_settings: { semantic_cache: { vector_store: "memory" } } });
    expect(vectorStoreStatus().kind).toBeNull();
    const [a, b] = await Promise.all([getVectorStore(), getVectorStore()]);
    expect(a).toBe(b);
    expect(a.kind).toBe("memory");
    expect(vectorStoreStatus()).toMatchObject({ kind: "memory", shared: false });
  });

  it("auto without REDIS_URL in embedded mode picks pgvector in PGlite", async () => {
    delete process.env.DATABASE_URL;
    delete process.env.REDIS_URL;
    process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
    resetEnvForTests();
    setConfigForTests({});
    const store = await getVectorStore();
    expect(store.kind).toBe("pgvector");
    await store.ensureIndex("select-e2e", 4);
    await store.upsert("select-e2e", { id: "x", scope: "s", vector: new Float32Array([1, 0, 0, 0]), expiresAt: Date.now() + 60_000 });
    expect((await store.search("select-e2e", "s", new Float32Array([1, 0, 0, 0]), 1)).map((h) => h.id)).toEqual(["x"]);
  });
});
