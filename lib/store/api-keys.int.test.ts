// Two gateway instances on one PostgreSQL and one Redis: a revoked key stops working on both at once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "@/test/support/services";
import { ApiKeyStore, generateApiKey, hashKey, keyCacheKey } from "./api-keys";
import { openDb, type DbHandle } from "./db";
import { RedisKv } from "./kv-redis";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "./test-support";

const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dbA: DbHandle;
let dbB: DbHandle;
const kvA = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
const kvB = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
let a: ApiKeyStore;
let b: ApiKeyStore;

beforeAll(async () => {
  database = await createTestDatabase();
  [dbA, dbB] = await Promise.all([
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
  ]);
  a = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => kvA });
  b = new ApiKeyStore({ db: async () => dbB.prisma, kv: () => kvB });
});
afterAll(async () => {
  const keys = await kvA.client.keys(`${prefix}*`);
  if (keys.length) await kvA.client.del(...keys.map((k) => k.slice(prefix.length)));
  await Promise.all([kvA.close(), kvB.close(), dbA?.close(), dbB?.close()]);
  await database?.drop();
});

describe("api keys across instances (Postgres + Redis)", () => {
  it("a key created on A authenticates on B; revoking on B rejects it on A at once", async () => {
    const created = await a.create({ name: "shared", user: "bob", team: "ml", org: "acme", models: ["gpt-4o"] });
    const onB = await b.find(created.key);
    expect(onB).toMatchObject({ id: created.id, user: "bob", team: "ml", org: "acme", models: ["gpt-4o"], revoked: false });
    // A has it cached as active too (served from Redis).
    expect(await a.find(created.key)).toMatchObject({ revoked: false });
    expect(await kvA.get(keyCacheKey(hashKey(created.key)))).toContain(created.id);

    await b.revoke(created.id);
    expect(await a.find(created.key)).toMatchObject({ id: created.id, revoked: true });
    expect((await b.list()).find((k) => k.id === created.id)?.status).toBe("revoked");
  });

  it("unknown keys are null on both, and the short negative entry is shared", async () => {
    const k = generateApiKey();
    expect(await a.find(k)).toBeNull();
    expect(await kvB.get(keyCacheKey(hashKey(k)))).toBe("null");
    const ttl = await kvB.client.ttl(keyCacheKey(hashKey(k)));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5);
    expect(await b.find(k)).toBeNull();
  });

  it("still authenticates from the database when Redis is down", async () => {
    const created = await a.create({ name: "no-redis" });
    const down = new RedisKv({ url: "redis://127.0.0.1:1", startupWaitMs: 0 });
    try {
      const c = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => down });
      expect(await c.find(created.key)).toMatchObject({ id: created.id, revoked: false });
    } finally {
      await down.close();
    }
  });
});
