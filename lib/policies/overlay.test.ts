// The policy document over a config: field-by-field replacement, the same validation as the file,
// fields the dashboard may not set, and the diffs the history and "vs file" views show.
import { describe, expect, it } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import type { HelixConfig } from "@/lib/config/schema";
import { applyPolicy, changedPaths, diffVsFile, normalizePolicy, policySections } from "./overlay";

function file(input: unknown): HelixConfig {
  const r = parseConfigObject(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const FILE = file({
  model_list: [
    { model_name: "gpt-4o", provider: "openai" },
    { model_name: "gpt-4o-mini", provider: "openai" },
  ],
  helix_settings: {
    pii_protection: { entities: ["EMAIL_ADDRESS", "PHONE_NUMBER"], entity_actions: { PHONE_NUMBER: "mask" }, strict_mode: true },
    cache: { ttl: 600 },
    semantic_cache: { similarity_threshold: 0.9, embedding_model: "all-MiniLM-L6-v2" },
    cost_optimization: { alert_thresholds: [50, 100], rules: [{ rule_name: "short", conditions: { prompt_tokens: "< 500" }, action: { model: "gpt-4o-mini" } }] },
  },
});

describe("applyPolicy", () => {
  it("replaces the fields the document sets, keeps the others, and applies defaults", () => {
    const r = applyPolicy(FILE, {
      pii_protection: {
        entity_actions: {},
        custom_recognizers: [{ name: "employee", pattern: "EMP-\\d{6}", entity_type: "EMPLOYEE_ID", confidence_level: 0.9 }],
      },
      cache: { enabled: false },
      semantic_cache: { similarity_threshold: 0.95 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pii = r.config.helix_settings.pii_protection;
    // A map set by the document replaces the file's whole (so entries can be removed).
    expect(pii.entity_actions).toEqual({});
    expect(pii.entities).toEqual(["EMAIL_ADDRESS", "PHONE_NUMBER"]);
    expect(pii.custom_recognizers.map((c) => c.entity_type)).toEqual(["EMPLOYEE_ID"]);
    expect(r.config.helix_settings.cache).toMatchObject({ enabled: false, ttl: 600 });
    expect(r.config.helix_settings.semantic_cache).toMatchObject({ similarity_threshold: 0.95, embedding_model: "all-MiniLM-L6-v2" });
    // Untouched sections and the model list are the file's.
    expect(r.config.helix_settings.cost_optimization.rules).toEqual(FILE.helix_settings.cost_optimization.rules);
    expect(r.config.model_list.map((m) => m.model_name)).toEqual(["gpt-4o", "gpt-4o-mini"]);
    // The file's config is not modified (it stays frozen and reusable).
    expect(FILE.helix_settings.cache.enabled).toBe(true);
    expect(Object.isFrozen(r.config.helix_settings.pii_protection)).toBe(true);
  });

  it("an empty document gives the file's config", () => {
    const r = applyPolicy(FILE, {});
    expect(r.ok && r.config).toEqual(FILE);
  });

  it("refuses what would make an invalid config, with the path of each problem", () => {
    const r = applyPolicy(FILE, {
      pii_protection: { action: "shred", score_threshold: 2, custom_recognizers: [{ name: "x", pattern: "(", entity_type: "X", confidence_level: 0.5 }] },
      cache: { ttl: 0 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => e.path).sort();
    expect(paths).toEqual([
      "helix_settings.cache.ttl",
      "helix_settings.pii_protection.action",
      "helix_settings.pii_protection.custom_recognizers[0].pattern",
      "helix_settings.pii_protection.score_threshold",
    ]);
    expect(r.errors.find((e) => e.path.endsWith(".action"))?.message).toMatch(/"shred" is not one of/);
  });

  it("runs the routing cross-checks: a swap rule to a model nobody serves is refused", () => {
    const r = applyPolicy(FILE, { cost_optimization: { rules: [{ rule_name: "nope", action: { model: "house-model" } }] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].path).toMatch(/^helix_settings\.cost_optimization\.rules\[0\]/);
  });

  it("refuses fields and sections the dashboard may not set", () => {
    const r = applyPolicy(FILE, { pii_protection: { strict_mode: false }, semantic_cache: { vector_store: "memory" }, gateway: {} } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual([
      "helix_settings.gateway",
      "helix_settings.pii_protection.strict_mode",
      "helix_settings.semantic_cache.vector_store",
    ]);
    expect(r.errors[0].message).toBe("cannot be set by a dashboard policy");
  });
});

describe("diffs", () => {
  it("changedPaths lists section.field that differ, set or unset", () => {
    expect(changedPaths(undefined, { cache: { ttl: 5 } })).toEqual(["cache.ttl"]);
    expect(
      changedPaths(
        { cache: { ttl: 5 }, pii_protection: { entities: ["A"], action: "mask" } },
        { pii_protection: { entities: ["A"], action: "hash" }, cost_optimization: { rules: [] } },
      ),
    ).toEqual(["pii_protection.action", "cache.ttl", "cost_optimization.rules"]);
    expect(changedPaths({ cache: { ttl: 5 } }, { cache: { ttl: 5 } })).toEqual([]);
  });

  it("diffVsFile shows the file's and the effective value of each overridden field", () => {
    const r = applyPolicy(FILE, { cache: { ttl: 60 }, pii_protection: { entities: ["EMAIL_ADDRESS", "PHONE_NUMBER"] } });
    if (!r.ok) throw new Error("invalid");
    // Setting a field to the file's value is not a difference.
    expect(diffVsFile(FILE, r.config)).toEqual([{ path: "cache.ttl", file: 600, effective: 60 }]);
  });

  it("normalizePolicy drops empty sections and unset fields; policySections lists the editable fields", () => {
    expect(normalizePolicy({ cache: {}, pii_protection: { action: "mask", entities: undefined } })).toEqual({ pii_protection: { action: "mask" } });
    const sections = policySections(FILE);
    expect(Object.keys(sections.semantic_cache)).not.toContain("embedding_model");
    expect(sections.cache).toEqual({ enabled: true, ttl: 600, scope: "tenant", max_entry_bytes: 1024 * 1024 });
    expect(Object.keys(sections.pii_protection)).not.toContain("strict_mode");
  });
});
