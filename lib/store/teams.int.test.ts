// Two gateway instances on one PostgreSQL and one Redis: a team's cache settings changed through
// one are what the other sees on the team's keys' very next lookup (inside the 60 s key cache).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCachePolicy } from "@/lib/cache/cache-policy";
import { ApiKeyStore, hashKey, keyCacheKey } from "./api-keys";
import type { DbHandle } from "./db";
import type { RedisKv } from "./kv-redis";
import { TeamStore } from "./teams";
import { twoInstances, type TwoInstances } from "./test-support";

let env: TwoInstances;
let dbA: DbHandle;
let dbB: DbHandle;
let kvA: RedisKv;
let kvB: RedisKv;
let keysA: ApiKeyStore;
let keysB: ApiKeyStore;
let teamsB: TeamStore;

beforeAll(async () => {
  env = await twoInstances();
  ({ dbA, dbB, kvA, kvB } = env);
  keysA = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => kvA });
  keysB = new ApiKeyStore({ db: async () => dbB.prisma, kv: () => kvB });
  teamsB = new TeamStore({ db: async () => dbB.prisma, kv: () => kvB });
});
afterAll(async () => {
  await env?.close();
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
