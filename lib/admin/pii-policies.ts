// Admin API for PII policies per organisation, team, user and key, and a preview of what the
// effective policy does to a text. Policies override the config's pii_protection section field by
// field, most specific scope winning (lib/pii/policy-resolution.ts).
//
// Security: only the master key reaches these routes. Turning PII protection OFF for a scope
// (`enabled: false`) additionally needs `?confirm_disable=true` on the PUT, so it cannot happen
// by a copied body; every write is logged, and a write that weakens protection (disabled,
// secrets off, an `allow` action) is logged as a warning with the scope and who made it.
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig, getFileConfig } from "@/lib/config/loader";
import { PiiPolicySchema, type PiiPolicySettings } from "@/lib/config/schema";
import { InvalidRequestError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import { validateCustomRecognizers } from "@/lib/pii/custom";
import { piiHashKey } from "@/lib/pii/hash-key";
import { effectivePiiPolicy, isPiiPolicyScope, policyName, PII_POLICY_SCOPES, type PiiPolicyScope } from "@/lib/pii/policy-resolution";
import { previewPii } from "@/lib/pii/scanner";
import { piiPolicyStore, type PiiPolicyRecord } from "@/lib/store/pii-policies";
import { applyPolicy } from "@/lib/policies/overlay";
import { checkCustomRecognizers } from "@/lib/policies/recognizer-check";

/** A draft's pii_protection over the config file: 400 naming the first problem when it is not valid. */
async function draftPiiSettings(draft: Record<string, unknown>) {
  const r = applyPolicy(getFileConfig(), { pii_protection: draft });
  if (!r.ok) {
    const e = r.errors[0];
    const path = e.path.replace(/^helix_settings\.pii_protection\.?/, "");
    throw new InvalidRequestError(`draft.${path}: ${e.message}`, { param: `draft.${path}`, code: "invalid_policy" });
  }
  const slow = await checkCustomRecognizers(draft.custom_recognizers);
  if (slow.length > 0) throw new InvalidRequestError(slow[0].message, { param: `draft.custom_recognizers[${slow[0].index}].pattern`, code: "invalid_custom_recognizer" });
  return r.config.helix_settings.pii_protection;
}

const ScopeIds = z.strictObject({
  org: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
});

const TestSchema = z.strictObject({
  text: z.string().max(100_000),
  scope: ScopeIds.optional(),
  /**
   * Unsaved pii_protection fields (the dashboard's policy editor) applied over the config file
   * before the scope's policies: preview a draft before saving it. Admins only (it runs the
   * caller's patterns on the server), checked like a save, slow patterns included.
   */
  draft: z.record(z.string(), z.unknown()).optional(),
});

function present(p: PiiPolicyRecord) {
  return {
    object: "pii.policy",
    id: p.id,
    scope: p.scope,
    scope_id: p.scopeId,
    name: policyName(p.scope, p.scopeId),
    settings: p.settings,
    version: p.version,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    updated_by: p.updatedBy,
  };
}

function scopeParam(scope: string): PiiPolicyScope {
  if (!isPiiPolicyScope(scope)) {
    throw new InvalidRequestError(`Unknown policy scope '${scope}'. Use one of: ${PII_POLICY_SCOPES.join(", ")}.`, { param: "scope" });
  }
  return scope;
}

/** What in a policy makes protection weaker than "scan and transform": logged as a warning. */
function weakenings(s: PiiPolicySettings): string[] {
  const out: string[] = [];
  if (s.enabled === false) out.push("enabled: false");
  if (s.secrets === false) out.push("secrets: false");
  if (s.action === "allow") out.push("action: allow");
  for (const [e, a] of Object.entries(s.entity_actions ?? {})) if (a === "allow") out.push(`entity_actions.${e}: allow`);
  return out;
}

/** GET /helix/pii/policies[?scope=team]: every stored policy. */
export async function listPiiPoliciesResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const scope = new URL(request.url).searchParams.get("scope");
  const policies = await piiPolicyStore().list(scope ? scopeParam(scope) : undefined);
  return { object: "list", data: policies.map(present) };
}

/**
 * PUT /helix/pii/policies/{scope}/{id}: the scope's policy becomes exactly the body (a partial
 * pii_protection section); effective from the next request of the scope's keys on every instance.
 */
export async function putPiiPolicyResponse(request: Request, rawScope: string, id: string) {
  const caller = await requireAdmin(request);
  const scope = scopeParam(rawScope);
  const settings = await readJsonBody(request, PiiPolicySchema, getConfig().helix_settings.general.max_body_bytes);
  if (settings.custom_recognizers?.length) {
    // The schema checked compile and empty matches; this adds the time-boxed ReDoS run.
    const errors = await validateCustomRecognizers(settings.custom_recognizers);
    if (errors.length > 0) {
      const e = errors[0];
      throw new InvalidRequestError(errors.map((x) => x.message).join("; "), {
        param: e.index >= 0 ? `custom_recognizers[${e.index}]${e.field ? `.${e.field}` : ""}` : "custom_recognizers",
        code: "invalid_custom_recognizer",
      });
    }
  }
  const weak = weakenings(settings);
  if (settings.enabled === false && new URL(request.url).searchParams.get("confirm_disable") !== "true") {
    throw new InvalidRequestError(
      `This policy turns PII protection off for ${policyName(scope, id)}: its requests would reach providers unscanned. ` +
        "If that is intended, repeat the request with ?confirm_disable=true.",
      { param: "enabled", code: "pii_disable_unconfirmed" },
    );
  }
  const store = piiPolicyStore();
  if (!(await store.scopeExists(scope, id))) throw new NotFoundError(`No ${scope} with id '${id}'.`, { param: "id" });
  const { policy, created } = await store.put(scope, id, settings, caller.by);
  const log = { component: "pii-policies", policy: policyName(scope, id), version: policy.version, updatedBy: caller.by };
  if (weak.length > 0) logger().warn({ ...log, weakens: weak }, "PII policy weakens protection");
  else logger().info(log, created ? "PII policy created" : "PII policy replaced");
  return Response.json(present(policy), { status: created ? 201 : 200 });
}

/** DELETE /helix/pii/policies/{scope}/{id}: the scope inherits again (from the next request). */
export async function deletePiiPolicyResponse(request: Request, rawScope: string, id: string) {
  const caller = await requireAdmin(request);
  const scope = scopeParam(rawScope);
  if (!(await piiPolicyStore().delete(scope, id))) throw new NotFoundError(`No PII policy for ${policyName(scope, id)}.`, { param: "id" });
  logger().info({ component: "pii-policies", policy: policyName(scope, id), updatedBy: caller.by }, "PII policy deleted");
  return { object: "pii.policy.deleted", scope, scope_id: id, deleted: true };
}

/**
 * POST /helix/pii/test `{text, scope?: {org?, team?, user?, key?}}`: what the effective policy of
 * that scope (the config's without one) finds in the text, with spans and scores, and the text
 * as the provider would get it. Nothing is logged or stored.
 */
export async function testPiiResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const body = await readJsonBody(request, TestSchema, getConfig().helix_settings.general.max_body_bytes);
  if (body.draft) await requireAdmin(request);
  const base = body.draft ? await draftPiiSettings(body.draft) : getConfig().helix_settings.pii_protection;
  const store = piiPolicyStore();
  let refs: Awaited<ReturnType<typeof store.refs>> = [];
  if (body.scope && Object.keys(body.scope).length > 0) {
    const chain = await store.chain(body.scope);
    if ("unknown" in chain) throw new NotFoundError(`No ${chain.unknown} with id '${body.scope[chain.unknown]}'.`, { param: `scope.${chain.unknown}` });
    refs = await store.refs(chain.ids);
  }
  const { settings, name } = effectivePiiPolicy(base, refs);
  if (!settings.enabled) return { object: "pii.test", policy: name, enabled: false, text: body.text, entities: [], findings: [], blocked: [] };
  const out = previewPii(body.text, settings, piiHashKey());
  return {
    object: "pii.test",
    policy: name,
    enabled: true,
    text: out.text,
    entities: [...new Set(out.findings.map((f) => f.entityType))].sort(),
    findings: out.findings.map((f) => ({ entity_type: f.entityType, start: f.start, end: f.end, score: f.score, recognizer: f.recognizer, action: f.action })),
    blocked: out.blocked,
  };
}
