// Team cache settings on the embedded stack (PGlite in a temp dir, in-process KV): what the admin
// API lists, and that a change reaches the team's keys' cached lookups at once.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCachePolicy } from "@/lib/cache/cache-policy";
import { ApiKeyStore, hashKey, keyCacheKey } from "./api-keys";
import { openDb, type DbHandle } from "./db";
import { MemoryKv } from "./kv-memory";
import { TeamStore } from "./teams";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;
const kv = new MemoryKv({ sweepIntervalMs: 0 });
let keys: ApiKeyStore;
let teams: TeamStore;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  keys = new ApiKeyStore({ db: async () => h.prisma, kv: () => kv });
  teams = new TeamStore({ db: async () => h.prisma, kv: () => kv });
});
afterAll(async () => {
  await h.close();
  await kv.close();
  tmp.remove();
});

const policyOf = async (key: string) => {
  const r = await keys.find(key);
  return resolveCachePolicy(r?.cache, r?.teamCache);
};

describe("team cache settings", () => {
  it("a key is created with its own settings; lookups carry the key's and the team's", async () => {
    const k = await keys.create({ name: "k", team: "t-create", cache: { enabled: false, semanticThreshold: 0.9 } });
    expect(k.cache).toEqual({ enabled: false, semanticThreshold: 0.9 });
    const plain = await keys.create({ name: "plain", team: "t-create" });
    expect(plain.cache).toEqual({ enabled: null, semanticThreshold: null });
    const rec = await keys.find(k.key);
    expect(rec).toMatchObject({ cache: { enabled: false, semanticThreshold: 0.9 }, teamCache: { enabled: null, semanticThreshold: null } });
    expect((await keys.find((await keys.create({ name: "teamless" })).key))?.teamCache).toBeNull();
    await expect(keys.create({ name: "bad", cache: { semanticThreshold: 1.5 } })).rejects.toThrow(/0\.\.1/);
  });

  it("lists teams with org, settings and active key count", async () => {
    const a = await keys.create({ name: "a1", team: "listed", org: "acme" });
    await keys.create({ name: "a2", team: "listed", org: "acme" });
    await keys.revoke(a.id);
    const t = (await teams.list()).find((x) => x.name === "listed");
    expect(t).toMatchObject({ org: "acme", keyCount: 1, cache: { enabled: null, semanticThreshold: null } });
  });

  it("a team change reaches its keys' cached lookups at once; key settings win over the team's", async () => {
    const k1 = await keys.create({ name: "m1", team: "mates" });
    const k2 = await keys.create({ name: "m2", team: "mates", cache: { semanticThreshold: 0.99 } });
    const other = await keys.create({ name: "o", team: "others" });
    const teamId = (await h.prisma.team.findFirstOrThrow({ where: { name: "mates" } })).id;
    // Cached with the old settings first.
    expect(await policyOf(k1.key)).toBeUndefined();
    expect(await policyOf(k2.key)).toEqual({ semanticThreshold: 0.99 });
    await policyOf(other.key);

    const updated = await teams.updateCache(teamId, { enabled: false, semanticThreshold: 0.8 });
    expect(updated).toMatchObject({ id: teamId, name: "mates", keyCount: 2, cache: { enabled: false, semanticThreshold: 0.8 } });
    expect(await kv.get(keyCacheKey(hashKey(k1.key)))).toBeNull();
    expect(await kv.get(keyCacheKey(hashKey(other.key)))).not.toBeNull();
    expect(await policyOf(k1.key)).toEqual({ enabled: false, semanticThreshold: 0.8 });
    expect(await policyOf(k2.key)).toEqual({ enabled: false, semanticThreshold: 0.99 });

    // A key's own change wins over the team and is seen at once too.
    await keys.updateCache(k1.id, { enabled: true });
    expect(await policyOf(k1.key)).toEqual({ enabled: true, semanticThreshold: 0.8 });
    // null resets to inherit; an omitted field is kept.
    expect((await teams.updateCache(teamId, { enabled: null }))?.cache).toEqual({ enabled: null, semanticThreshold: 0.8 });
    expect((await keys.updateCache(k1.id, { enabled: null }))?.cache).toEqual({ enabled: null, semanticThreshold: null });
    expect(await policyOf(k1.key)).toEqual({ semanticThreshold: 0.8 });
    expect(await policyOf(k2.key)).toEqual({ semanticThreshold: 0.99 });
  });

  it("unknown ids are null; an empty change leaves everything as it is", async () => {
    expect(await teams.updateCache("no-such-team", { enabled: false })).toBeNull();
    expect(await teams.updateCache("no-such-team", {})).toBeNull();
    expect(await keys.updateCache("no-such-key", { enabled: false })).toBeNull();
    const k = await keys.create({ name: "same", team: "same", cache: { enabled: false } });
    expect((await keys.updateCache(k.id, {}))?.cache).toEqual({ enabled: false, semanticThreshold: null });
    await expect(keys.updateCache(k.id, { semanticThreshold: -0.1 })).rejects.toThrow(RangeError);
  });
});
