import { describe, expect, it, vi } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import type { PiiPolicyRef } from "@/lib/pii/policy-resolution";
import { createContext } from "../context";

// A scanner that fails: the stage must block the request, never forward it unscanned.
let fail = false;
vi.mock("@/lib/pii/scanner", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/pii/scanner")>();
  return {
    ...real,
    scanSlots: (...args: Parameters<typeof real.scanSlots>) => {
      if (fail) throw new Error("recognizer exploded");
      return real.scanSlots(...args);
    },
  };
});
vi.mock("@/lib/pii/hash-key", () => ({ piiHashKey: () => "test-key" }));
const { piiProtection } = await import("./pii-protection");

function ctxWith(content: string, pii: Record<string, unknown> = {}) {
  const r = parseConfigObject({ helix_settings: { pii_protection: pii } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const ctx = createContext(new Request("http://helix/v1/chat/completions", { method: "POST" }), "chat.completions", r.config);
  ctx.chatRequest = { model: "m", messages: [{ role: "user", content }] };
  return ctx;
}

describe("piiProtection", () => {
  it("rewrites a copy of the request and reports the types in x-helix-pii", async () => {
    const ctx = ctxWith("write to jane.doe@example.com");
    const original = ctx.chatRequest;
    await piiProtection(ctx);
    expect(ctx.chatRequest!.messages[0].content).toBe("write to <EMAIL_ADDRESS>");
    expect(original!.messages[0].content).toBe("write to jane.doe@example.com");
    expect(ctx.responseHeaders["x-helix-pii"]).toBe("EMAIL_ADDRESS");
    expect(ctx.pii?.findings).toEqual([expect.objectContaining({ entityType: "EMAIL_ADDRESS", count: 1, action: "redact", location: "messages" })]);
  });

  it("scan_output: prepares the output scan, which adds its findings to the request's with location response", async () => {
    const off = ctxWith("hello");
    await piiProtection(off);
    expect(off.pii?.output).toBeUndefined();
    const ctx = ctxWith("write to jane.doe@example.com", { scan_output: true });
    await piiProtection(ctx);
    expect(ctx.pii?.output?.text("ask bob@example.org")).toBe("ask <EMAIL_ADDRESS>");
    expect(ctx.pii?.findings.map((f) => [f.location, f.entityType])).toEqual([
      ["messages", "EMAIL_ADDRESS"],
      ["response", "EMAIL_ADDRESS"],
    ]);
  });

  it("fails closed: a scanner error blocks the request with a 503, and the request is not forwarded", async () => {
    const ctx = ctxWith("write to jane.doe@example.com");
    fail = true;
    try {
      await expect(piiProtection(ctx)).rejects.toMatchObject({ status: 503, code: "pii_scan_failed" });
    } finally {
      fail = false;
    }
    expect(ctx.pii).toBeUndefined();
  });

  it("blocks by policy with a 400 that names types, not values", async () => {
    const ctx = ctxWith("my card is 4111 1111 1111 1111", { entity_actions: { CREDIT_CARD: "block" } });
    const err = await piiProtection(ctx).catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: "pii_blocked" });
    expect(err.message).toContain("CREDIT_CARD");
    expect(err.message).not.toContain("4111");
  });

  it("does nothing when disabled", async () => {
    const ctx = ctxWith("write to jane.doe@example.com", { enabled: false });
    await piiProtection(ctx);
    expect(ctx.chatRequest!.messages[0].content).toBe("write to jane.doe@example.com");
  });

  it("applies the caller's stored policies over the config and names the policy that decided", async () => {
    const caller = (policies: PiiPolicyRef[]) => ({ kind: "virtual" as const, keyHash: "h", keyId: "k1", teamId: "t1", models: [], piiPolicies: policies });
    const team: PiiPolicyRef = { scope: "team", scopeId: "t1", id: "p1", version: 1, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } };

    const plain = ctxWith("write to jane.doe@example.com");
    await piiProtection(plain);
    expect(plain.pii?.policy).toBe("config");

    const blocked = ctxWith("write to jane.doe@example.com");
    blocked.caller = caller([team]);
    expect(await piiProtection(blocked).catch((e) => e)).toMatchObject({ status: 400, code: "pii_blocked" });

    const hashed = ctxWith("write to jane.doe@example.com");
    hashed.caller = caller([team, { scope: "key", scopeId: "k1", id: "p2", version: 1, settings: { entity_actions: { EMAIL_ADDRESS: "hash" } } }]);
    await piiProtection(hashed);
    expect(hashed.chatRequest!.messages[0].content).not.toContain("jane.doe");
    expect(hashed.pii).toMatchObject({ policy: "key:k1", findings: [expect.objectContaining({ action: "hash" })] });

    const off = ctxWith("write to jane.doe@example.com");
    off.caller = caller([team, { scope: "key", scopeId: "k1", id: "p3", version: 1, settings: { enabled: false } }]);
    await piiProtection(off);
    expect(off.chatRequest!.messages[0].content).toBe("write to jane.doe@example.com");
  });

  it("fails closed on a stored policy that does not validate", async () => {
    const ctx = ctxWith("write to jane.doe@example.com");
    ctx.caller = { kind: "virtual", keyHash: "h", models: [], piiPolicies: [{ scope: "org", scopeId: "o", id: "x", version: 1, settings: { action: "shred" } as never }] };
    await expect(piiProtection(ctx)).rejects.toMatchObject({ status: 503, code: "pii_scan_failed" });
  });
});
