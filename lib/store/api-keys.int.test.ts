// Two gateway instances on one PostgreSQL and one Redis: a revoked key stops working on both at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore, generateApiKey, hashKey, keyCacheKey } from "./api-keys";
import type { DbHandle } from "./db";
import { RedisKv } from "./kv-redis";
import { twoInstances, type TwoInstances } from "./test-support";

let env: TwoInstances;
let dbA: DbHandle;
let dbB: DbHandle;
let kvA: RedisKv;
let kvB: RedisKv;
let a: ApiKeyStore;
let b: ApiKeyStore;

beforeAll(async () => {
  env = await twoInstances();
  ({ dbA, dbB, kvA, kvB } = env);
  a = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => kvA });
  b = new ApiKeyStore({ db: async () => dbB.prisma, kv: () => kvB });
});
afterAll(async () => {
  await env?.close();
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
