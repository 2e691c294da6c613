// The dashboard's policy document over helix.yaml: which settings it may override, how it merges,
// and what changed between two versions. Pure (zod and the config parser only), so the server and
// the dashboard agree on the rules.
//
// Merge rule: field by field within a section. A field the document sets replaces the file's
// value whole (lists and maps included), so the dashboard can also remove entries the file has;
// a field it does not set keeps the file's value.
import { z } from "zod";
import { parseConfigObject, type ConfigIssue, type ConfigResult } from "@/lib/config/parse";
import type { HelixConfig } from "@/lib/config/schema";

/**
 * What the dashboard may override: settings read per request. Left out on purpose: what is only
 * read at start (embedding model, vector store, memory sizes), price overrides (their own API),
 * and pii_protection.strict_mode (the deployment's rule for input that cannot be scanned).
 */
export const POLICY_FIELDS = {
  pii_protection: [
    "enabled",
    "entities",
    "action",
    "entity_actions",
    "secrets",
    "scan_output",
    "score_threshold",
    "mask",
    "custom_recognizers",
    "allow_list",
    "deny_list",
  ],
  cache: ["enabled", "ttl", "scope", "max_entry_bytes"],
  semantic_cache: ["enabled", "similarity_threshold", "thresholds", "ttl", "max_temperature", "skip_tool_requests", "guard"],
  cost_optimization: [
    "enabled",
    "model_swapping",
    "budget_alerts",
    "reserve_output_tokens",
    "alert_thresholds",
    "alert_webhooks",
    "global_budget",
    "end_user_budget",
    "rules",
  ],
} as const;

export type PolicySection = keyof typeof POLICY_FIELDS;
export const POLICY_SECTIONS = Object.keys(POLICY_FIELDS) as PolicySection[];

/** A stored policy document: per section, the overridden fields (values checked by the config schema). */
export type PolicySettings = { [S in PolicySection]?: Record<string, unknown> };

function sectionShape(section: PolicySection) {
  return z
    .strictObject(Object.fromEntries(POLICY_FIELDS[section].map((f) => [f, z.unknown().optional()])))
    .optional();
}

/** The document's shape only (known sections and fields); the values are checked by applyPolicy. */
export const PolicySettingsSchema = z.strictObject({
  pii_protection: sectionShape("pii_protection"),
  cache: sectionShape("cache"),
  semantic_cache: sectionShape("semantic_cache"),
  cost_optimization: sectionShape("cost_optimization"),
});

/** Drops undefined fields and empty sections, so equal documents compare and store alike. */
export function normalizePolicy(settings: PolicySettings): PolicySettings {
  const out: PolicySettings = {};
  for (const section of POLICY_SECTIONS) {
    const fields = settings[section];
    if (!fields) continue;
    const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
    if (Object.keys(kept).length > 0) out[section] = kept;
  }
  return out;
}

/** The unvalidated merge of a document over a config (or a file's parsed value). */
export function mergePolicy(base: HelixConfig, settings: PolicySettings): unknown {
  const helix = { ...base.helix_settings } as Record<string, unknown>;
  for (const section of POLICY_SECTIONS) {
    const fields = settings[section];
    if (fields && Object.keys(fields).length > 0) helix[section] = { ...(helix[section] as object), ...fields };
  }
  return { ...base, helix_settings: helix };
}

/**
 * The effective config: `base` (the file's config) with the document over it, validated by the
 * same schema and cross-checks as the file itself. Errors name helix_settings.<section>.<field> paths.
 */
export function applyPolicy(base: HelixConfig, settings: PolicySettings, source = "policy"): ConfigResult {
  const shape = PolicySettingsSchema.safeParse(settings);
  if (!shape.success) {
    const errors: ConfigIssue[] = [];
    for (const issue of shape.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const path = ["helix_settings", ...issue.path.map(String), ...(key === undefined ? [] : [key])].join(".");
        const message = key === undefined ? issue.message : "cannot be set by a dashboard policy";
        errors.push({ path, line: 0, column: 0, message });
      }
    }
    return { ok: false, source, errors };
  }
  return parseConfigObject(mergePolicy(base, normalizePolicy(settings)), source);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "section.field" of every field that differs between two documents (absent counts as different from set). */
export function changedPaths(before: PolicySettings | undefined, after: PolicySettings): string[] {
  const out: string[] = [];
  for (const section of POLICY_SECTIONS) {
    const a = before?.[section] ?? {};
    const b = after[section] ?? {};
    const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const f of [...fields].sort()) if (!same(a[f], b[f])) out.push(`${section}.${f}`);
  }
  return out;
}

export interface FieldDiff {
  path: string;
  file: unknown;
  effective: unknown;
}

/** Where the effective config differs from the file's, over the overridable fields. */
export function diffVsFile(file: HelixConfig, effective: HelixConfig): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const section of POLICY_SECTIONS) {
    const f = file.helix_settings[section] as Record<string, unknown>;
    const e = effective.helix_settings[section] as Record<string, unknown>;
    for (const field of POLICY_FIELDS[section]) {
      if (!same(f[field], e[field])) out.push({ path: `${section}.${field}`, file: f[field], effective: e[field] });
    }
  }
  return out;
}

/** The overridable fields of each section of a config, as the dashboard edits them. */
export function policySections(cfg: HelixConfig): Record<PolicySection, Record<string, unknown>> {
  const out = {} as Record<PolicySection, Record<string, unknown>>;
  for (const section of POLICY_SECTIONS) {
    const s = cfg.helix_settings[section] as Record<string, unknown>;
    out[section] = Object.fromEntries(POLICY_FIELDS[section].filter((f) => s[f] !== undefined).map((f) => [f, s[f]]));
  }
  return out;
}
