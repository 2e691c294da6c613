// Two gateway instances on one PostgreSQL and one Redis: a team's PII policy changed through one
// is what the other applies on the team's keys' very next request (inside the 60 s key cache).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import { effectivePiiPolicy } from "@/lib/pii/policy-resolution";
import { ApiKeyStore, hashKey, keyCacheKey } from "./api-keys";
import type { DbHandle } from "./db";
import type { RedisKv } from "./kv-redis";
import { PiiPolicyStore } from "./pii-policies";
import { twoInstances, type TwoInstances } from "./test-support";

let env: TwoInstances;
let dbA: DbHandle;
let dbB: DbHandle;
let kvA: RedisKv;
let kvB: RedisKv;
let keysA: ApiKeyStore;
let policiesB: PiiPolicyStore;

const parsed = parseConfigObject({ helix_settings: { pii_protection: { entity_actions: { EMAIL_ADDRESS: "redact" } } } });
if (!parsed.ok) throw new Error("config");
const base = parsed.config.helix_settings.pii_protection;

beforeAll(async () => {
  env = await twoInstances();
  ({ dbA, dbB, kvA, kvB } = env);
  keysA = new ApiKeyStore({ db: async () => dbA.prisma, kv: () => kvA });
  policiesB = new PiiPolicyStore({ db: async () => dbB.prisma, kv: () => kvB });
});
afterAll(async () => {
  await env?.close();
});

/** What instance A would apply to the key's next request. */
const onA = async (key: string) => {
  const r = await keysA.find(key);
  return effectivePiiPolicy(base, r?.piiPolicies);
};

describe("PII policies across instances (Postgres + Redis)", () => {
  it("a team policy written on B is applied on A at once; its deletion too; the other team is untouched", async () => {
    const blue = await keysA.create({ name: "blue-1", team: "blue", org: "acme" });
    const green = await keysA.create({ name: "green-1", team: "green", org: "acme" });
    expect((await onA(blue.key)).name).toBe("config");
    expect((await onA(green.key)).name).toBe("config");
    expect(await kvA.get(keyCacheKey(hashKey(blue.key)))).not.toBeNull(); // cached on A

    const teamId = (await keysA.find(blue.key))!.teamId!;
    await policiesB.put("team", teamId, { entity_actions: { EMAIL_ADDRESS: "block" } }, "master");
    const blocked = await onA(blue.key);
    expect(blocked).toMatchObject({ name: `team:${teamId}`, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } });
    expect((await onA(green.key)).settings.entity_actions.EMAIL_ADDRESS).toBe("redact");
    // Served from A's cache again, and the same effective object (the analyzer is reused).
    expect(await onA(blue.key)).toBe(blocked);

    await policiesB.put("team", teamId, { entity_actions: { EMAIL_ADDRESS: "hash" } }, "master");
    expect((await onA(blue.key)).settings.entity_actions.EMAIL_ADDRESS).toBe("hash");

    await policiesB.delete("team", teamId);
    expect((await onA(blue.key)).name).toBe("config");
  });
});
