// The effective PII policy of a caller: the config's pii_protection section, then the stored
// policies of the caller's organisation, team, user and key, in that order (most specific wins).
//
// Merge rule, field by field:
//   - enabled, action, secrets, scan_output, score_threshold: the most specific policy that sets one wins;
//   - mask: per sub-field (masking_char, chars_to_mask, from_end);
//   - entity_actions, deny_list: merged by entity type (the most specific setting per type wins);
//   - entities, allow_list, custom_recognizers: replaced as a whole (lists do not merge: a team
//     that lists its entities means exactly those).
//   - strict_mode: config only.
// The policy name (for incidents) is "config", or the most specific policy that set anything,
// e.g. "team:<id>".
//
// The scanner builds one analyzer per settings OBJECT (compiling every regex and custom
// recognizer), so an effective policy is memoised per (config object, policies and versions):
// every request of a combination gets the same frozen object and reuses its analyzer.
import "server-only";
import { PiiPolicySchema, type HelixSettings, type PiiPolicySettings } from "@/lib/config/schema";

export type PiiSettings = HelixSettings["pii_protection"];

export const PII_POLICY_SCOPES = ["org", "team", "user", "key"] as const;
export type PiiPolicyScope = (typeof PII_POLICY_SCOPES)[number];

/** A stored policy as the gateway carries it (inside the cached key lookup). */
export interface PiiPolicyRef {
  scope: PiiPolicyScope;
  scopeId: string;
  /** The row's id: with the version, names this exact content (a re-created row gets a new id). */
  id: string;
  version: number;
  settings: PiiPolicySettings;
}

export interface EffectivePiiPolicy {
  /** Frozen; the same object for every request with the same config and policies. */
  readonly settings: PiiSettings;
  /** "config" or "<scope>:<scope id>" of the most specific policy that set anything. */
  readonly name: string;
}

const RANK: Record<PiiPolicyScope, number> = { org: 0, team: 1, user: 2, key: 3 };

export function isPiiPolicyScope(s: string): s is PiiPolicyScope {
  return (PII_POLICY_SCOPES as readonly string[]).includes(s);
}

export function policyName(scope: PiiPolicyScope, scopeId: string): string {
  return `${scope}:${scopeId}`;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * The merge itself (no memo). Policies may come in any order; each one's settings are parsed
 * again here, so a row edited by hand into something invalid throws (the stage fails closed)
 * instead of being half-applied.
 */
export function mergePiiPolicies(base: PiiSettings, policies: readonly PiiPolicyRef[]): EffectivePiiPolicy {
  const ordered = [...policies].sort((a, b) => RANK[a.scope] - RANK[b.scope]);
  let name = "config";
  const out: PiiSettings = {
    ...base,
    mask: { ...base.mask },
    entity_actions: { ...base.entity_actions },
    deny_list: { ...base.deny_list },
  };
  for (const p of ordered) {
    const parsed = PiiPolicySchema.safeParse(p.settings);
    if (!parsed.success) throw new Error(`stored PII policy ${policyName(p.scope, p.scopeId)} is invalid: ${parsed.error.issues[0]?.message}`);
    const s = parsed.data;
    let contributed = false;
    const set = <K extends "enabled" | "action" | "secrets" | "scan_output" | "score_threshold" | "entities" | "allow_list" | "custom_recognizers">(k: K) => {
      if (s[k] !== undefined) {
        (out as Record<K, unknown>)[k] = s[k];
        contributed = true;
      }
    };
    set("enabled");
    set("action");
    set("secrets");
    set("scan_output");
    set("score_threshold");
    set("entities");
    set("allow_list");
    set("custom_recognizers");
    if (s.mask) {
      for (const [k, v] of Object.entries(s.mask)) {
        if (v !== undefined) {
          (out.mask as Record<string, unknown>)[k] = v;
          contributed = true;
        }
      }
    }
    if (s.entity_actions && Object.keys(s.entity_actions).length > 0) {
      Object.assign(out.entity_actions, s.entity_actions);
      contributed = true;
    }
    if (s.deny_list && Object.keys(s.deny_list).length > 0) {
      Object.assign(out.deny_list, s.deny_list);
      contributed = true;
    }
    if (contributed) name = policyName(p.scope, p.scopeId);
  }
  // Nothing overridden: the config's own object, so its analyzer (built at start) is the one used.
  if (name === "config") return { settings: base, name };
  return deepFreeze({ settings: out, name });
}

const MEMO_LIMIT = 1_000;
const memo = new WeakMap<PiiSettings, Map<string, EffectivePiiPolicy>>();
const configOnly = new WeakMap<PiiSettings, EffectivePiiPolicy>();

function memoKey(policies: readonly PiiPolicyRef[]): string {
  return [...policies]
    .sort((a, b) => RANK[a.scope] - RANK[b.scope])
    .map((p) => `${p.scope}:${p.scopeId}#${p.id}@${p.version}`)
    .join("|");
}

/**
 * The caller's effective policy, memoised: the same (config object, policy ids and versions)
 * always returns the same object. A reloaded config is a new object, so it starts a new memo.
 */
export function effectivePiiPolicy(base: PiiSettings, policies: readonly PiiPolicyRef[] | undefined): EffectivePiiPolicy {
  if (!policies || policies.length === 0) {
    let c = configOnly.get(base);
    if (!c) configOnly.set(base, (c = { settings: base, name: "config" }));
    return c;
  }
  let byKey = memo.get(base);
  if (!byKey) memo.set(base, (byKey = new Map()));
  const key = memoKey(policies);
  let e = byKey.get(key);
  if (e) return e;
  e = mergePiiPolicies(base, policies);
  // Bounded: old versions of edited policies are never asked for again; drop the oldest first.
  if (byKey.size >= MEMO_LIMIT) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, e);
  return e;
}
