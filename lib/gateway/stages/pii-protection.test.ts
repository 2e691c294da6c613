import { describe, expect, it, vi } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
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
});
