import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import type { PiiPolicyRef } from "@/lib/pii/policy-resolution";

const lookups: string[] = [];
type Settings = { enabled: boolean | null; semanticThreshold: number | null };
let records: Record<
  string,
  { id: string; name: string; userId: string | null; teamId: string | null; orgId: string | null; models: string[]; revoked: boolean; cache?: Settings; teamCache?: Settings | null; piiPolicies: PiiPolicyRef[] }
> = {};
let storeDown = false;
vi.mock("@/lib/store/api-keys", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/store/api-keys")>();
  return {
    ...real,
    findApiKey: async (key: string) => {
      lookups.push(key);
      if (storeDown) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      return records[key] ?? null;
    },
  };
});
const { requireAdmin, resolveCaller } = await import("./caller");
const { PEER_HEADER } = await import("@/lib/http/peer");

const KEY = "sk-helix-" + "a".repeat(40);
const req = (auth?: string) => new Request("http://helix/v1/chat/completions", { headers: auth ? { authorization: auth } : {} });

beforeEach(() => {
  lookups.length = 0;
  records = { [KEY]: { id: "k1", name: "ci", userId: "u", teamId: "t", orgId: "o", models: ["gpt-4o"], revoked: false, piiPolicies: [] } };
  storeDown = false;
});
afterEach(() => {
  delete process.env.MASTER_KEY;
  resetEnvForTests();
});

function withMaster(key = "sk-master-1") {
  process.env.MASTER_KEY = key;
  resetEnvForTests();
}

describe("resolveCaller", () => {
  it("needs a bearer key", async () => {
    await expect(resolveCaller(req())).rejects.toMatchObject({ status: 401, type: "authentication_error" });
    await expect(resolveCaller(req("Basic abc"))).rejects.toMatchObject({ status: 401 });
  });

  it("with MASTER_KEY: the master key, live virtual keys, nothing else", async () => {
    withMaster();
    expect((await resolveCaller(req("Bearer sk-master-1"))).kind).toBe("master");
    const v = await resolveCaller(req(`Bearer ${KEY}`));
    expect(v).toMatchObject({ kind: "virtual", keyId: "k1", teamId: "t", models: ["gpt-4o"] });
    expect(v.passThroughKey).toBeUndefined();
    await expect(resolveCaller(req("Bearer sk-helix-" + "b".repeat(40)))).rejects.toMatchObject({ status: 401 });
    records[KEY].revoked = true;
    await expect(resolveCaller(req(`Bearer ${KEY}`))).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/revoked/) });
  });

  it("with MASTER_KEY: a token that cannot be a virtual key costs no lookup", async () => {
    withMaster();
    await expect(resolveCaller(req("Bearer sk-proj-whatever"))).rejects.toMatchObject({ status: 401 });
    expect(lookups).toEqual([]);
  });

  it("without MASTER_KEY: any key, attributed by hash and forwarded; virtual keys still recognised", async () => {
    const local = await resolveCaller(req("Bearer sk-my-openai-key"));
    expect(local).toMatchObject({ kind: "anonymous-local", passThroughKey: "sk-my-openai-key" });
    expect(local.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await resolveCaller(req(`Bearer ${KEY}`))).kind).toBe("virtual");
  });

  it("carries the key's cache settings over its team's; none when neither sets any", async () => {
    withMaster();
    expect((await resolveCaller(req(`Bearer ${KEY}`))).cache).toBeUndefined();
    records[KEY].cache = { enabled: null, semanticThreshold: 0.99 };
    records[KEY].teamCache = { enabled: false, semanticThreshold: 0.5 };
    expect((await resolveCaller(req(`Bearer ${KEY}`))).cache).toEqual({ enabled: false, semanticThreshold: 0.99 });
    records[KEY].cache = { enabled: true, semanticThreshold: null };
    expect((await resolveCaller(req(`Bearer ${KEY}`))).cache).toEqual({ enabled: true, semanticThreshold: 0.5 });
    expect((await resolveCaller(req("Bearer sk-master-1"))).cache).toBeUndefined();
  });

  it("carries the PII policies of the key's lookup (none: the caller has no field)", async () => {
    withMaster();
    expect((await resolveCaller(req(`Bearer ${KEY}`))).piiPolicies).toBeUndefined();
    const team: PiiPolicyRef = { scope: "team", scopeId: "t", id: "p1", version: 2, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } };
    records[KEY].piiPolicies = [team];
    expect((await resolveCaller(req(`Bearer ${KEY}`))).piiPolicies).toEqual([team]);
    expect((await resolveCaller(req("Bearer sk-master-1"))).piiPolicies).toBeUndefined();
  });

  it("a key store that cannot answer is a 503, not a 500 or a 401", async () => {
    withMaster();
    storeDown = true;
    await expect(resolveCaller(req(`Bearer ${KEY}`))).rejects.toMatchObject({ status: 503, headers: { "retry-after": "2" } });
  });
});

describe("requireAdmin", () => {
  it("admits the master key and refuses virtual keys with 403", async () => {
    withMaster();
    expect((await requireAdmin(req("Bearer sk-master-1"))).kind).toBe("master");
    await expect(requireAdmin(req(`Bearer ${KEY}`))).rejects.toMatchObject({ status: 403, type: "permission_error" });
    await expect(requireAdmin(req("Bearer nope"))).rejects.toMatchObject({ status: 401 });
  });

  it("without MASTER_KEY admits any key only from this machine (the peer server.mjs stamps)", async () => {
    const from = (peer: string) =>
      new Request("http://helix/helix/keys", { headers: { authorization: "Bearer anything", [PEER_HEADER]: peer } });
    expect((await requireAdmin(from("127.0.0.1"))).kind).toBe("anonymous-local");
    expect((await requireAdmin(from("::1"))).kind).toBe("anonymous-local");
    await expect(requireAdmin(from("10.1.2.3"))).rejects.toMatchObject({ status: 403, code: "master_key_required" });
    // The master key works from anywhere once it is set.
    withMaster();
    const remoteMaster = new Request("http://helix/helix/keys", { headers: { authorization: "Bearer sk-master-1", [PEER_HEADER]: "10.1.2.3" } });
    expect((await requireAdmin(remoteMaster)).kind).toBe("master");
  });
});
