// Virtual keys on the embedded stack: PGlite in a temp dir and the in-process KV store.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore, API_KEY_PREFIX, generateApiKey, hashKey, keyCacheKey } from "./api-keys";
import { openDb, type DbHandle } from "./db";
import { MemoryKv } from "./kv-memory";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;
let t = Date.now();
const kv = new MemoryKv({ now: () => t, sweepIntervalMs: 0 });
let store: ApiKeyStore;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  store = new ApiKeyStore({ db: async () => h.prisma, kv: () => kv, now: () => t });
});
afterAll(async () => {
  await h.close();
  await kv.close();
  tmp.remove();
});

describe("api keys", () => {
  it("generates sk-helix- keys with 40 base62 characters, all different", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^sk-helix-[0-9A-Za-z]{40}$/);
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("creates a key, linking user, team and org, and stores only its hash", async () => {
    const created = await store.create({
      name: "ci",
      user: { externalId: "alice", email: "alice@example.com" },
      team: "search",
      org: "acme",
      models: ["gpt-4o-mini", "gpt-4o-mini"],
      metadata: { env: "ci" },
    });
    expect(created.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(created.keyPrefix).toBe(created.key.slice(0, 12));
    expect(created).toMatchObject({ name: "ci", user: "alice", team: "search", org: "acme", models: ["gpt-4o-mini"], metadata: { env: "ci" } });

    const row = await h.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id }, include: { user: true, team: true, org: true } });
    expect(row.keyHash).toBe(hashKey(created.key));
    expect(row.user).toMatchObject({ externalId: "alice", email: "alice@example.com", teamId: row.teamId, orgId: row.orgId });
    expect(row.team).toMatchObject({ name: "search", orgId: row.orgId });
    // Nowhere in the database is the clear key.
    const dump = await h.prisma.$queryRawUnsafe<{ t: string }[]>(`SELECT row_to_json(k)::text AS t FROM api_keys k`);
    expect(dump.map((d) => d.t).join()).not.toContain(created.key);

    // A second key for the same team reuses the org, team and user.
    const second = await store.create({ name: "ci-2", user: "alice", team: "search", org: "acme" });
    const row2 = await h.prisma.apiKey.findUniqueOrThrow({ where: { id: second.id } });
    expect([row2.teamId, row2.orgId, row2.userId]).toEqual([row.teamId, row.orgId, row.userId]);
    expect(await h.prisma.organization.count()).toBe(1);
    expect(await h.prisma.team.count()).toBe(1);
    expect(await h.prisma.user.count()).toBe(1);

    // An org-less team is found by name, not duplicated.
    await store.create({ name: "a", team: "solo" });
    await store.create({ name: "b", team: "solo" });
    expect(await h.prisma.team.count({ where: { name: "solo" } })).toBe(1);
  });

  it("finds a key through the cache: one DB read, then KV only", async () => {
    const created = await store.create({ name: "cached", team: "search", org: "acme", models: ["m1"] });
    const found = await store.find(created.key);
    expect(found).toMatchObject({ id: created.id, name: "cached", team: "search", org: "acme", models: ["m1"], revoked: false });
    expect(await kv.get(keyCacheKey(hashKey(created.key)))).not.toBeNull();

    // Change the row behind the cache's back: the next lookup is still served from the cache.
    await h.prisma.apiKey.update({ where: { id: created.id }, data: { name: "renamed" } });
    expect((await store.find(created.key))?.name).toBe("cached");
    t += 61_000; // the cache entry lives 60 s
    expect((await store.find(created.key))?.name).toBe("renamed");
  });

  it("caches unknown keys briefly", async () => {
    const unknown = generateApiKey();
    expect(await store.find(unknown)).toBeNull();
    expect(await kv.get(keyCacheKey(hashKey(unknown)))).toBe("null");
    t += 5_001;
    expect(await kv.get(keyCacheKey(hashKey(unknown)))).toBeNull();
  });

  it("revokes at once even though the key was cached as active", async () => {
    const created = await store.create({ name: "to-revoke" });
    expect((await store.find(created.key))?.revoked).toBe(false);
    const revoked = await store.revoke(created.id);
    expect(revoked).toMatchObject({ id: created.id, status: "revoked" });
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect((await store.find(created.key))?.revoked).toBe(true);
    // Revoking twice keeps the first time.
    const again = await store.revoke(created.id);
    expect(again?.revokedAt?.getTime()).toBe(revoked?.revokedAt?.getTime());
    expect(await store.revoke("no-such-id")).toBeNull();
  });

  it("lists keys without hashes or clear keys", async () => {
    const list = await store.list();
    expect(list.length).toBeGreaterThanOrEqual(5);
    for (const k of list) {
      expect(k).not.toHaveProperty("key");
      expect(k).not.toHaveProperty("keyHash");
      expect(k.keyPrefix).toMatch(/^sk-helix-\w{3}$/);
      expect(["active", "revoked"]).toContain(k.status);
    }
    expect(list.find((k) => k.name === "to-revoke")?.status).toBe("revoked");
    expect(list.find((k) => k.name === "ci")).toMatchObject({ user: "alice", team: "search", org: "acme" });
  });

  it("touches lastUsedAt off the hot path, at most once a minute", async () => {
    const created = await store.create({ name: "touch" });
    await store.find(created.key);
    await expect.poll(async () => (await h.prisma.apiKey.findUnique({ where: { id: created.id } }))?.lastUsedAt).toBeInstanceOf(Date);
    const first = (await h.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt!;
    t += 10_000;
    await store.find(created.key);
    await new Promise((r) => setTimeout(r, 100));
    expect((await h.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toEqual(first);
    t += 60_000;
    await store.find(created.key);
    await expect
      .poll(async () => (await h.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt?.getTime())
      .toBe(t);
  });
});
