import { describe, expect, it } from "vitest";
import { documentWith, draftChanges, overridesFor, sameValue } from "./draft";

const FILE = {
  pii_protection: { action: "redact", entity_actions: { PERSON: "mask", EMAIL_ADDRESS: "hash" }, entities: ["EMAIL_ADDRESS"] },
  cache: { ttl: 600, enabled: true },
  semantic_cache: { similarity_threshold: 0.9 },
  cost_optimization: { rules: [] },
};

describe("policy drafts", () => {
  it("compares objects regardless of key order, arrays by order", () => {
    expect(sameValue({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"])).toBe(false);
  });

  it("overrides only what differs from the file; a value set back to the file's stops overriding", () => {
    expect(overridesFor({ action: "mask", entity_actions: { EMAIL_ADDRESS: "hash", PERSON: "mask" }, entities: undefined }, FILE.pii_protection)).toEqual({ action: "mask" });
    // The section's previous override (ttl 60) disappears when the draft equals the file again.
    const doc = documentWith({ cache: { ttl: 60 }, pii_protection: { action: "hash" } }, { cache: { ttl: 600, enabled: false } }, FILE);
    expect(doc).toEqual({ cache: { enabled: false }, pii_protection: { action: "hash" } });
    expect(documentWith({ cache: { ttl: 60 } }, { cache: { ttl: 600, enabled: true } }, FILE)).toEqual({});
  });

  it("lists the draft's changes against the values in force", () => {
    const effective = { ...FILE, cache: { ttl: 60, enabled: true } };
    expect(draftChanges({ cache: { ttl: 60, enabled: false }, pii_protection: { ...FILE.pii_protection } }, effective)).toEqual(["cache.enabled"]);
  });
});
