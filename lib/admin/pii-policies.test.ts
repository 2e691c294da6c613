// The admin API's validation: what a policy PUT refuses (and how it names the problem), the
// explicit confirmation that turning PII protection off needs, and the preview's answer.
import { describe, expect, it, vi } from "vitest";
import type { PiiPolicyRef } from "@/lib/pii/policy-resolution";

const stored = new Map<string, { settings: unknown; version: number }>();
vi.mock("@/lib/store/pii-policies", () => ({
  piiPolicyStore: () => ({
    scopeExists: async (_scope: string, id: string) => id !== "ghost",
    put: async (scope: string, id: string, settings: unknown, updatedBy: string) => {
      const prev = stored.get(`${scope}:${id}`);
      const version = (prev?.version ?? 0) + 1;
      stored.set(`${scope}:${id}`, { settings, version });
      return { created: !prev, policy: { id: `row-${scope}-${id}`, scope, scopeId: id, settings, version, createdAt: new Date(), updatedAt: new Date(), updatedBy } };
    },
    chain: async (ids: { team?: string }) => (ids.team === "ghost" ? { unknown: "team" } : { ids: { teamId: ids.team } }),
    refs: async (ids: { teamId?: string }): Promise<PiiPolicyRef[]> => {
      const p = ids.teamId ? stored.get(`team:${ids.teamId}`) : undefined;
      return p ? [{ scope: "team", scopeId: ids.teamId!, id: `row-team-${ids.teamId}`, version: p.version, settings: p.settings as PiiPolicyRef["settings"] }] : [];
    },
  }),
}));
vi.mock("@/lib/pii/hash-key", () => ({ piiHashKey: () => "test-key" }));
const { putPiiPolicyResponse, testPiiResponse } = await import("./pii-policies");

const put = (scope: string, id: string, body: unknown, query = "") =>
  putPiiPolicyResponse(
    new Request(`http://helix/helix/pii/policies/${scope}/${id}${query}`, {
      method: "PUT",
      headers: { authorization: "Bearer local", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    scope,
    id,
  );
const preview = (body: unknown) =>
  testPiiResponse(new Request("http://helix/helix/pii/test", { method: "POST", headers: { authorization: "Bearer local" }, body: JSON.stringify(body) }));

describe("PUT /helix/pii/policies/{scope}/{id}", () => {
  it("stores a valid partial section (201, then 200 with the next version)", async () => {
    const first = (await put("team", "t1", { entity_actions: { email_address: "block" } })) as Response;
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ scope: "team", scope_id: "t1", name: "team:t1", version: 1, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } });
    const again = (await put("team", "t1", { entity_actions: { EMAIL_ADDRESS: "block" } })) as Response;
    expect(again.status).toBe(200);
    expect((await again.json()).version).toBe(2);
  });

  it("refuses unknown scopes, fields and missing targets", async () => {
    await expect(put("tenant", "t1", {})).rejects.toMatchObject({ status: 400, param: "scope" });
    await expect(put("team", "t1", { strict_mode: false })).rejects.toMatchObject({ status: 400 });
    await expect(put("team", "t1", { action: "shred" })).rejects.toMatchObject({ status: 400, param: "action" });
    await expect(put("team", "ghost", { action: "hash" })).rejects.toMatchObject({ status: 404, param: "id" });
  });

  it("names the custom recognizer that fails: compile errors and catastrophic backtracking", async () => {
    const ok = { name: "ticket", pattern: "TCK-\\d{6}", entity_type: "TICKET", confidence_level: "high" };
    const broken = await put("team", "t2", { custom_recognizers: [ok, { ...ok, name: "bad", pattern: "(" }] }).catch((e) => e);
    expect(broken).toMatchObject({ status: 400, param: "custom_recognizers[1].pattern" });
    const slow = await put("team", "t2", { custom_recognizers: [ok, { ...ok, name: "redos", pattern: "(a+)+$" }] }).catch((e) => e);
    expect(slow).toMatchObject({ status: 400, param: "custom_recognizers[1].pattern", code: "invalid_custom_recognizer" });
    expect(slow.message).toContain('custom_recognizers[1] ("redos")');
    expect(slow.message).toContain("catastrophic backtracking");
    expect(stored.has("team:t2")).toBe(false);
  });

  it("turning protection off needs ?confirm_disable=true", async () => {
    await expect(put("key", "k1", { enabled: false })).rejects.toMatchObject({ status: 400, code: "pii_disable_unconfirmed", param: "enabled" });
    expect(stored.has("key:k1")).toBe(false);
    expect(((await put("key", "k1", { enabled: false }, "?confirm_disable=true")) as Response).status).toBe(201);
  });
});

describe("POST /helix/pii/test", () => {
  it("answers findings with spans and the transformed text under the scope's effective policy", async () => {
    const text = "Mail jane.doe@example.com";
    const global = (await preview({ text })) as Record<string, unknown>;
    expect(global).toMatchObject({ policy: "config", text: "Mail <EMAIL_ADDRESS>", entities: ["EMAIL_ADDRESS"], blocked: [] });
    expect(global.findings).toEqual([expect.objectContaining({ entity_type: "EMAIL_ADDRESS", start: 5, end: 25, action: "redact" })]);
    const team = await preview({ text, scope: { team: "t1" } });
    expect(team).toMatchObject({ policy: "team:t1", blocked: ["EMAIL_ADDRESS"], findings: [expect.objectContaining({ action: "block" })] });
    await expect(preview({ text, scope: { team: "ghost" } })).rejects.toMatchObject({ status: 404, param: "scope.team" });
  });
});
