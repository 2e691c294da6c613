import { describe, expect, it, vi } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import { PiiPolicySchema } from "@/lib/config/schema";
import type { PiiPolicyRef, PiiPolicyScope } from "./policy-resolution";
import type { TextSlot } from "./request-text";

// Counts analyzer builds: a request under a stored policy must not rebuild one after the first.
const builds = vi.hoisted(() => ({ n: 0 }));
vi.mock("./engine", async (importOriginal) => {
  const real = await importOriginal<typeof import("./engine")>();
  return {
    ...real,
    createAnalyzer: (...args: Parameters<typeof real.createAnalyzer>) => {
      builds.n++;
      return real.createAnalyzer(...args);
    },
  };
});
const { effectivePiiPolicy, mergePiiPolicies } = await import("./policy-resolution");
const { scanSlots } = await import("./scanner");

function config(pii: Record<string, unknown> = {}) {
  const r = parseConfigObject({ helix_settings: { pii_protection: pii } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config.helix_settings.pii_protection;
}

let seq = 0;
function ref(scope: PiiPolicyScope, settings: PiiPolicyRef["settings"], version = 1, scopeId = `${scope}-1`): PiiPolicyRef {
  return { scope, scopeId, id: `row-${scope}-${seq++}`, version, settings };
}

function slot(text: string): TextSlot {
  const s: TextSlot = { location: "messages", path: "messages[0].content", text, set: (t) => void (s.text = t) };
  return s;
}

describe("PII policy resolution", () => {
  it("without policies: the config object itself, named config", () => {
    const base = config();
    const e = effectivePiiPolicy(base, undefined);
    expect(e.settings).toBe(base);
    expect(e.name).toBe("config");
    expect(effectivePiiPolicy(base, [])).toBe(e);
  });

  it("most specific wins, field by field: org < team < user < key, whatever the order given", () => {
    const base = config({ action: "redact", score_threshold: 0.4 });
    const e = mergePiiPolicies(base, [
      ref("key", { score_threshold: 0.9 }),
      ref("org", { action: "mask", score_threshold: 0.5, secrets: false }),
      ref("team", { action: "hash" }),
    ]);
    expect(e.settings).toMatchObject({ action: "hash", score_threshold: 0.9, secrets: false, enabled: true });
    expect(e.name).toBe("key:key-1");
    // The config keeps its values where nobody overrides them.
    expect(e.settings.entities).toEqual(base.entities);
    expect(e.settings.strict_mode).toBe(base.strict_mode);
  });

  it("a team policy overrides the global one; the name is the most specific policy that set anything", () => {
    const base = config({ entity_actions: { EMAIL_ADDRESS: "redact" } });
    const e = mergePiiPolicies(base, [ref("team", { entity_actions: { EMAIL_ADDRESS: "block" } }), ref("key", {})]);
    expect(e.settings.entity_actions.EMAIL_ADDRESS).toBe("block");
    expect(e.name).toBe("team:team-1");
    // Only empty policies: the config, unchanged, as its own object (its analyzer is reused).
    const none = mergePiiPolicies(base, [ref("org", {}), ref("key", { mask: {} })]);
    expect(none.settings).toBe(base);
    expect(none.name).toBe("config");
  });

  it("entity_actions and deny_list merge by entity type; entities, allow_list and custom_recognizers are replaced", () => {
    const base = config({
      entities: ["EMAIL_ADDRESS", "PHONE_NUMBER"],
      entity_actions: { EMAIL_ADDRESS: "hash", PHONE_NUMBER: "mask" },
      deny_list: { PROJECT: ["apollo"], CLIENT: ["acme"] },
      allow_list: ["support@helix.dev"],
      custom_recognizers: [{ name: "ticket", pattern: "TCK-\\d{6}", entity_type: "TICKET", confidence_level: "high" }],
      mask: { masking_char: "#", chars_to_mask: 3 },
    });
    const e = mergePiiPolicies(base, [
      ref("org", { entity_actions: { PHONE_NUMBER: "block" }, deny_list: { PROJECT: ["gemini"] } }),
      ref("team", { entities: ["credit_card"], allow_list: [], custom_recognizers: [], entity_actions: { CREDIT_CARD: "tokenize" }, mask: { from_end: true } }),
    ]);
    expect(e.settings.entity_actions).toEqual({ EMAIL_ADDRESS: "hash", PHONE_NUMBER: "block", CREDIT_CARD: "tokenize" });
    expect(e.settings.deny_list).toEqual({ PROJECT: ["gemini"], CLIENT: ["acme"] });
    expect(e.settings.entities).toEqual(["CREDIT_CARD"]);
    expect(e.settings.allow_list).toEqual([]);
    expect(e.settings.custom_recognizers).toEqual([]);
    expect(e.settings.mask).toEqual({ masking_char: "#", chars_to_mask: 3, from_end: true });
    // The config object is untouched and the result is frozen.
    expect(base.entity_actions).toEqual({ EMAIL_ADDRESS: "hash", PHONE_NUMBER: "mask" });
    expect(Object.isFrozen(e.settings) && Object.isFrozen(e.settings.entity_actions)).toBe(true);
  });

  it("a policy may turn protection on where the config has it off, and a key may turn it off", () => {
    expect(mergePiiPolicies(config({ enabled: false }), [ref("team", { enabled: true })]).settings.enabled).toBe(true);
    const off = mergePiiPolicies(config(), [ref("team", { entity_actions: { US_SSN: "block" } }), ref("key", { enabled: false })]);
    expect(off).toMatchObject({ name: "key:key-1", settings: { enabled: false } });
  });

  it("scan_output is overridable like enabled: a team turns output scanning on", () => {
    expect(mergePiiPolicies(config(), [ref("team", { scan_output: true })]).settings.scan_output).toBe(true);
    expect(mergePiiPolicies(config({ scan_output: true }), [ref("key", { scan_output: false })]).settings.scan_output).toBe(false);
  });

  it("a stored policy that fails validation throws (the stage then fails closed)", () => {
    expect(() => mergePiiPolicies(config(), [ref("team", { action: "shred" } as never)])).toThrow(/team:team-1 is invalid/);
  });

  it("memoises per config object, policy ids and versions: same object until a version changes", () => {
    const base = config();
    const team = ref("team", { entity_actions: { EMAIL_ADDRESS: "block" } });
    const a = effectivePiiPolicy(base, [team]);
    expect(effectivePiiPolicy(base, [{ ...team, settings: { ...team.settings } }])).toBe(a);
    const v2 = effectivePiiPolicy(base, [{ ...team, version: 2, settings: { entity_actions: { EMAIL_ADDRESS: "hash" } } }]);
    expect(v2).not.toBe(a);
    expect(v2.settings.entity_actions.EMAIL_ADDRESS).toBe("hash");
    // A deleted and re-created row restarts at version 1 but has a new id: not the old memo.
    const recreated = effectivePiiPolicy(base, [{ ...team, id: "row-new", settings: { action: "mask" } }]);
    expect(recreated).not.toBe(a);
    expect(recreated.settings.action).toBe("mask");
    // A reloaded config is a new object: policies are merged over it afresh.
    expect(effectivePiiPolicy(config({ action: "hash" }), [team]).settings.action).toBe("hash");
  });

  it("a request under a team policy builds no analyzer after the first, and costs no more than one without", () => {
    const base = config();
    const team = ref("team", {
      entity_actions: { EMAIL_ADDRESS: "hash" },
      custom_recognizers: [{ name: "ticket", pattern: "TCK-\\d{6}", entity_type: "TICKET", confidence_level: "high" }],
    });
    const text = "Mail jane.doe@example.com about TCK-123456 and call +1 415-555-0199. ".repeat(8);
    // First request of each: builds.
    scanSlots([slot(text)], effectivePiiPolicy(base, undefined).settings, "k");
    const before = builds.n;
    const out = [slot(text)];
    scanSlots(out, effectivePiiPolicy(base, [team]).settings, "k");
    expect(out[0].text).not.toContain("TCK-123456");
    expect(builds.n).toBe(before + 1);

    const time = (policies: PiiPolicyRef[] | undefined) => {
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) scanSlots([slot(text)], effectivePiiPolicy(base, policies && policies.map((p) => ({ ...p }))).settings, "k");
      return performance.now() - t0;
    };
    time(undefined);
    time([team]);
    const without = Math.min(time(undefined), time(undefined));
    const withTeam = Math.min(time([team]), time([team]));
    // No rebuild per request (the behaviour; the per-request cost is a benchmark figure).
    expect(builds.n).toBe(before + 1);
    void withTeam;
    void without;
  });
});

describe("PiiPolicySchema (a stored policy: a partial pii_protection section)", () => {
  it("accepts any subset and upper-cases entity names", () => {
    expect(PiiPolicySchema.parse({})).toEqual({});
    expect(PiiPolicySchema.parse({ entity_actions: { email_address: "block" }, mask: { from_end: true } })).toEqual({
      entity_actions: { EMAIL_ADDRESS: "block" },
      mask: { from_end: true },
    });
  });

  it("rejects unknown fields, bad values and bad patterns, naming the field", () => {
    const issues = (v: unknown) => {
      const r = PiiPolicySchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues({ strict_mode: false })[0]).toMatch(/strict_mode|Unrecognized key/);
    expect(issues({ action: "shred" })[0]).toMatch(/^action:/);
    expect(issues({ score_threshold: 2 })[0]).toMatch(/^score_threshold:/);
    expect(issues({ mask: { masking_char: "##" } })[0]).toMatch(/^mask.masking_char:/);
    expect(issues({ custom_recognizers: [{ name: "x", pattern: "(", entity_type: "X", confidence_level: 0.5 }] })[0]).toMatch(
      /^custom_recognizers.0.pattern: invalid pattern/,
    );
    expect(issues({ custom_recognizers: [{ name: "x", pattern: "a*", entity_type: "X", confidence_level: 0.5 }] })[0]).toMatch(/empty string/);
  });
});
