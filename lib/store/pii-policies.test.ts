// PII policies on the embedded stack (PGlite + in-process KV): stored per scope with a version,
// carried by the cached key lookup, and a change drops exactly the lookups it reaches.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore, hashKey, keyCacheKey } from "./api-keys";
import { openDb, type DbHandle } from "./db";
import { MemoryKv } from "./kv-memory";
import { PiiPolicyStore } from "./pii-policies";
import { piiStats } from "./pii-stats";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;
const kv = new MemoryKv({ sweepIntervalMs: 0 });
let keys: ApiKeyStore;
let policies: PiiPolicyStore;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  keys = new ApiKeyStore({ db: async () => h.prisma, kv: () => kv });
  policies = new PiiPolicyStore({ db: async () => h.prisma, kv: () => kv });
});
afterAll(async () => {
  await h.close();
  await kv.close();
  tmp.remove();
});

describe("PII policy store", () => {
  it("puts (versioned), lists, deletes; the key lookup carries its org, team, user and key policies", async () => {
    const a = await keys.create({ name: "a", team: "search", org: "acme", user: "alice" });
    const b = await keys.create({ name: "b", team: "ads", org: "acme" });
    const row = await h.prisma.apiKey.findUniqueOrThrow({ where: { id: a.id } });
    expect((await keys.find(a.key))?.piiPolicies).toEqual([]);

    expect(await policies.scopeExists("team", row.teamId!)).toBe(true);
    expect(await policies.scopeExists("team", "nope")).toBe(false);
    const first = await policies.put("team", row.teamId!, { entity_actions: { EMAIL_ADDRESS: "block" } }, "master");
    expect(first).toMatchObject({ created: true, policy: { scope: "team", version: 1, updatedBy: "master" } });
    // The cached lookup was dropped: the next one carries the team's policy; the other team's does not.
    expect(await kv.get(keyCacheKey(hashKey(a.key)))).toBeNull();
    expect((await keys.find(a.key))?.piiPolicies).toEqual([
      expect.objectContaining({ scope: "team", scopeId: row.teamId, version: 1, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } }),
    ]);
    expect((await keys.find(b.key))?.piiPolicies).toEqual([]);

    const second = await policies.put("team", row.teamId!, { action: "hash" }, "master");
    expect(second).toMatchObject({ created: false, policy: { id: first.policy.id, version: 2, settings: { action: "hash" } } });
    await policies.put("org", row.orgId!, { secrets: false }, "master");
    await policies.put("user", row.userId!, { score_threshold: 0.6 }, "master");
    await policies.put("key", a.id, { enabled: false }, "master");
    // An org policy reaches every key of the org.
    expect((await keys.find(b.key))?.piiPolicies.map((p) => p.scope)).toEqual(["org"]);
    expect((await keys.find(a.key))?.piiPolicies.map((p) => p.scope).sort()).toEqual(["key", "org", "team", "user"]);
    expect((await policies.list()).length).toBe(4);
    expect((await policies.list("team")).map((p) => p.settings)).toEqual([{ action: "hash" }]);

    expect(await policies.delete("key", a.id)).toBe(true);
    expect(await policies.delete("key", a.id)).toBe(false);
    expect((await keys.find(a.key))?.piiPolicies.map((p) => p.scope).sort()).toEqual(["org", "team", "user"]);
  });

  it("a cached lookup from before policies existed is read again, not trusted", async () => {
    const k = await keys.create({ name: "old", team: "legacy" });
    const found = await keys.find(k.key);
    const { piiPolicies: _dropped, ...old } = found!;
    void _dropped;
    await kv.set(keyCacheKey(hashKey(k.key)), JSON.stringify(old), 60);
    const teamId = found!.teamId!;
    await h.prisma.piiPolicy.create({ data: { scopeType: "team", scopeId: teamId, settings: { action: "mask" }, updatedBy: "master" } });
    expect((await keys.find(k.key))?.piiPolicies.map((p) => p.settings)).toEqual([{ action: "mask" }]);
  });

  it("chain: a key's user, team and org fill in; unknown ids are named", async () => {
    const k = await keys.create({ name: "c", team: "chain", org: "chainco", user: "carol" });
    const row = await h.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(await policies.chain({ key: k.id })).toEqual({ ids: { keyId: k.id, userId: row.userId, teamId: row.teamId, orgId: row.orgId } });
    expect(await policies.chain({ team: row.teamId! })).toEqual({ ids: { keyId: undefined, userId: undefined, teamId: row.teamId, orgId: row.orgId } });
    expect(await policies.chain({ team: "nope" })).toEqual({ unknown: "team" });
    expect(await policies.chain({ key: "nope" })).toEqual({ unknown: "key" });
  });
});

describe("PII stats", () => {
  it("sums detections by entity type and action, last 24 h and total", async () => {
    const now = Date.now();
    const row = (id: string, entityType: string, action: string, count: number, ageMs: number) => ({
      id,
      createdAt: new Date(now - ageMs),
      requestId: id,
      entityType,
      count,
      action,
      policy: "config",
      recognizer: "r",
      score: 1,
      location: "messages",
    });
    await h.prisma.piiIncident.createMany({
      data: [
        row("1", "EMAIL_ADDRESS", "redact", 2, 1_000),
        row("2", "EMAIL_ADDRESS", "block", 1, 1_000),
        row("3", "EMAIL_ADDRESS", "redact", 5, 3 * 24 * 3600_000),
        row("4", "US_SSN", "block", 1, 60_000),
      ],
    });
    expect(await piiStats(h.prisma, now)).toEqual({
      detections: { last_24h: 4, total: 9 },
      by_entity_type: { EMAIL_ADDRESS: { last_24h: 3, total: 8 }, US_SSN: { last_24h: 1, total: 1 } },
      by_action: { redact: { last_24h: 2, total: 7 }, block: { last_24h: 2, total: 2 } },
    });
  });
});
