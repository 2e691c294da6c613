// What the dashboard's policy editor saves: per section, only the fields whose edited value differs
// from the config file's (so a field set back to the file's value stops overriding it). Pure.
import { POLICY_SECTIONS, type PolicySection, type PolicySettings } from "./overlay";

/** JSON with object keys sorted, so {a, b} and {b, a} compare equal. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/** The fields of `draft` that differ from `file` (undefined draft values are left out: the file's apply). */
export function overridesFor(draft: Record<string, unknown>, file: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(draft).filter(([k, v]) => v !== undefined && !sameValue(v, file[k])));
}

/** The stored document with the given sections' overrides recomputed from their drafts. */
export function documentWith(
  settings: PolicySettings,
  drafts: Partial<Record<PolicySection, Record<string, unknown>>>,
  file: Record<PolicySection, Record<string, unknown>>,
): PolicySettings {
  const out: PolicySettings = {};
  for (const section of POLICY_SECTIONS) {
    const draft = drafts[section];
    const fields = draft ? overridesFor(draft, file[section] ?? {}) : settings[section];
    if (fields && Object.keys(fields).length > 0) out[section] = fields;
  }
  return out;
}

/** "section.field" paths whose draft value differs from the value in force. */
export function draftChanges(drafts: Partial<Record<PolicySection, Record<string, unknown>>>, effective: Record<PolicySection, Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const section of POLICY_SECTIONS) {
    const draft = drafts[section];
    if (!draft) continue;
    const keys = new Set([...Object.keys(draft), ...Object.keys(effective[section] ?? {})]);
    for (const k of keys) if (draft[k] !== undefined && !sameValue(draft[k], effective[section]?.[k])) out.push(`${section}.${k}`);
  }
  return out;
}
