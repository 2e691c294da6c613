// Two gateway instances on one PostgreSQL and one Redis: a team's cache settings changed through
// one are what the other sees on the team's keys' very next lookup (inside the 60 s key cache).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "@/test/support/services";
import { resolveCachePolicy } from "@/lib/cache/cache-policy";
import { ApiKeyStore, hashKey, keyCacheKey } from "./api-keys";
import { openDb, type DbHandle } from "./db";
import { RedisKv } from "./kv-redis";
import { TeamStore } from "./teams";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "./test-support";

const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dbA: DbHandle;
let dbB: DbHandle;
const kvA = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
const kvB = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
let keysA: ApiKeyStore;
let keysB: ApiKeyStore;
let teamsB: TeamStore;

beforeAll(async () => {
  database = await createTestDatabase();
  [dbA, dbB] = await Promise.all([
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
  ]);
  keysA = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => kvA });
  keysB = new ApiKeyStore({ db: async () => dbB.prisma, kv: () => kvB });
  teamsB = new TeamStore({ db: async () => dbB.prisma, kv: () => kvB });
});
afterAll(async () => {
  const keys = await kvA.client.keys(`${prefix}*`);
  if (keys.length) await kvA.client.del(...keys.map((k) => k.slice(prefix.length)));
  await Promise.all([kvA.close(), kvB.close(), dbA?.close(), dbB?.close()]);
  await database?.drop();
});

const policyOnA = async (key: string) => {
  const r = await keysA.find(key);
  return resolveCachePolicy(r?.cache, r?.teamCache);
};

describe("team cache settings across instances (Postgres + Redis)", () => {
  it("a team change on B is seen on A at once; a key change too; null inherits again", async () => {
    const k1 = await keysA.create({ name: "k1", team: "shared", org: "acme" });
    const k2 = await keysA.create({ name: "k2", team: "shared", org: "acme", cache: { semanticThreshold: 0.99 } });
    expect(await policyOnA(k1.key)).toBeUndefined();
    expect(await policyOnA(k2.key)).toEqual({ semanticThreshold: 0.99 });
    expect(await kvA.get(keyCacheKey(hashKey(k1.key)))).not.toBeNull();

    const team = (await teamsB.list()).find((t) => t.name === "shared")!;
    expect(team).toMatchObject({ org: "acme", keyCount: 2 });
    await teamsB.updateCache(team.id, { enabled: false });
    expect(await policyOnA(k1.key)).toEqual({ enabled: false });
    expect(await policyOnA(k2.key)).toEqual({ enabled: false, semanticThreshold: 0.99 });

    await keysB.updateCache(k1.id, { enabled: true });
    expect(await policyOnA(k1.key)).toEqual({ enabled: true });

    await teamsB.updateCache(team.id, { enabled: null });
    await keysB.updateCache(k1.id, { enabled: null });
    expect(await policyOnA(k1.key)).toBeUndefined();
    expect(await policyOnA(k2.key)).toEqual({ semanticThreshold: 0.99 });
  });
});
