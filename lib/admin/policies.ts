// Admin API for the dashboard's policy document (PII, caches, model-swap rules, budget alerts)
// over helix.yaml: read it with its history, dry-run a draft, save a new version (optimistic
// concurrency on base_version), revert to an old one. A save applies on this instance at once
// and on the others within the poll interval (lib/policies/sync.ts); no restart.
//
// Who: admins write (master key or an admin's dashboard session), viewers read — with alert
// webhook URLs and headers masked, since those are credentials.
import "server-only";
import { z } from "zod";
import { requireAdmin, type AdminActor } from "@/lib/auth/caller";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getConfig, getFileConfig, policyOverlayVersion, type ConfigIssue, type HelixConfig } from "@/lib/config/loader";
import { maskedConfig } from "@/lib/config/mask";
import { HelixError, InvalidRequestError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import {
  applyPolicy,
  changedPaths,
  diffVsFile,
  normalizePolicy,
  POLICY_FIELDS,
  PolicySettingsSchema,
  policySections,
  type PolicySettings,
} from "@/lib/policies/overlay";
import { checkCustomRecognizers } from "@/lib/policies/recognizer-check";
import { PATTERN_ENTITIES } from "@/lib/pii/recognizers";
import { NLP_ENTITIES } from "@/lib/pii/recognizers/nlp/nlp-recognizer";
import { SECRET_ENTITY_TYPES } from "@/lib/pii/recognizers/secrets";
import { refreshPolicies } from "@/lib/policies/sync";
import { isPolicyVersionConflict, policyVersionStore, type PolicyVersionRecord } from "@/lib/store/policy-versions";

const HISTORY_LIMIT = 50;
const COMMENT = z.string().trim().max(500).optional();

const ValidateSchema = z.strictObject({ settings: PolicySettingsSchema });
const SaveSchema = z.strictObject({
  /** The version the edit started from; another save since then is a 409. */
  base_version: z.number().int().min(0),
  settings: PolicySettingsSchema,
  comment: COMMENT,
});
const RevertSchema = z.strictObject({ base_version: z.number().int().min(0), comment: COMMENT });

export interface PolicyIssue {
  /** section.field[...], e.g. "pii_protection.custom_recognizers[0].pattern". */
  path: string;
  message: string;
}

const bodyLimit = () => getConfig().helix_settings.general.max_body_bytes;

function issues(errors: readonly ConfigIssue[]): PolicyIssue[] {
  return errors.map((e) => ({ path: e.path.replace(/^helix_settings\./, ""), message: e.message }));
}

type Checked = { ok: true; config: HelixConfig } | { ok: false; errors: PolicyIssue[] };

/** The effective config of a document over the current file, or every problem with it (patterns timed). */
async function check(settings: PolicySettings): Promise<Checked> {
  const r = applyPolicy(getFileConfig(), settings);
  if (!r.ok) return { ok: false, errors: issues(r.errors) };
  const slow = await checkCustomRecognizers(settings.pii_protection?.custom_recognizers);
  if (slow.length > 0) {
    return { ok: false, errors: slow.map((e) => ({ path: `pii_protection.custom_recognizers[${e.index}].${e.field ?? "pattern"}`, message: e.message.replace(/^custom_recognizers\[\d+\]( \("[^"]*"\))?(\.\w+)?: /, "") })) };
  }
  return { ok: true, config: r.config };
}

/** Whether the caller may save (viewers get a read-only page and masked credentials). */
async function canEdit(request: Request, actor: AdminActor): Promise<boolean> {
  if (actor.kind !== "dashboard") return true;
  return (await requireDashboardSession(request)).role === "admin";
}

function present(v: PolicyVersionRecord, previous: PolicyVersionRecord | undefined) {
  return {
    version: v.version,
    created_by: v.createdBy,
    created_at: v.createdAt,
    comment: v.comment,
    changed: changedPaths(previous?.settings, v.settings),
  };
}

function weakenings(s: PolicySettings): string[] {
  const out: string[] = [];
  const pii = s.pii_protection ?? {};
  if (pii.enabled === false) out.push("pii_protection.enabled: false");
  if (pii.secrets === false) out.push("pii_protection.secrets: false");
  if (pii.action === "allow") out.push("pii_protection.action: allow");
  if (s.cache?.scope === "global") out.push("cache.scope: global");
  return out;
}

async function document(canWrite: boolean) {
  const store = policyVersionStore();
  const rows = await store.history(HISTORY_LIMIT + 1);
  const latest = rows[0];
  const file = getFileConfig();
  const settings = latest?.settings ?? {};
  const applied = applyPolicy(file, settings);
  const effective = applied.ok ? applied.config : getConfig();
  const doc = {
    object: "policy",
    version: latest?.version ?? 0,
    created_by: latest?.createdBy ?? null,
    created_at: latest?.createdAt ?? null,
    comment: latest?.comment ?? null,
    /** The version this instance runs (equal to `version` unless a save elsewhere is seconds old). */
    applied_version: policyOverlayVersion(),
    settings,
    effective: policySections(effective),
    file: policySections(file),
    diff_vs_file: diffVsFile(file, effective),
    problems: applied.ok ? [] : issues(applied.errors),
    fields: POLICY_FIELDS,
    /** Entity types the built-in recognizers report (secrets are scanned by `secrets`, not listed). */
    known_entities: [...new Set([...PATTERN_ENTITIES, ...NLP_ENTITIES])].filter((e) => !SECRET_ENTITY_TYPES.includes(e)).sort(),
    history: rows.slice(0, HISTORY_LIMIT).map((v, i) => present(v, rows[i + 1])),
    can_edit: canWrite,
  };
  if (canWrite) return doc;
  // Viewers: webhook URLs and credential-like headers masked wherever they appear.
  const mask = <T>(v: T): T => maskedConfig(v as unknown as HelixConfig) as unknown as T;
  return { ...doc, settings: mask(doc.settings), effective: mask(doc.effective), file: mask(doc.file), diff_vs_file: mask(doc.diff_vs_file) };
}

/** GET /helix/policies: the document in force, the effective and file values, the diff, the history. */
export async function getPoliciesResponse(request: Request) {
  const actor = await requireAdmin(request, { read: true });
  return document(await canEdit(request, actor));
}

/** POST /helix/policies/validate `{settings}`: a dry run; nothing is saved. */
export async function validatePoliciesResponse(request: Request) {
  await requireAdmin(request);
  const body = await readJsonBody(request, ValidateSchema, bodyLimit());
  const r = await check(body.settings);
  if (!r.ok) return { object: "policy.validation", valid: false, errors: r.errors };
  return { object: "policy.validation", valid: true, errors: [], effective: policySections(r.config), diff_vs_file: diffVsFile(getFileConfig(), r.config) };
}

async function save(actor: AdminActor, baseVersion: number, raw: PolicySettings, comment: string | undefined) {
  const settings = normalizePolicy(raw);
  const r = await check(settings);
  if (!r.ok) {
    throw new InvalidRequestError(`The policy is not valid: ${r.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, {
      param: `settings.${r.errors[0].path}`,
      code: "invalid_policy",
    });
  }
  let saved: PolicyVersionRecord;
  try {
    saved = await policyVersionStore().append({ baseVersion, settings, createdBy: actor.by, comment });
  } catch (err) {
    if (!isPolicyVersionConflict(err)) throw err;
    throw new HelixError(
      409,
      "conflict_error",
      `The policies changed since version ${baseVersion} (version ${err.current} is current). Reload, reapply your edit and save again.`,
      { param: "base_version", code: "policy_version_conflict" },
    );
  }
  // In force here before the response; other instances follow within the poll interval.
  await refreshPolicies();
  const weak = weakenings(settings);
  const log = { component: "policies", version: saved.version, by: actor.by, comment };
  if (weak.length > 0) logger().warn({ ...log, weakens: weak }, "dashboard policy saved; it weakens protection");
  else logger().info(log, "dashboard policy saved");
  return document(true);
}

/** PUT /helix/policies `{base_version, settings, comment?}`: saves the next version. */
export async function putPoliciesResponse(request: Request) {
  const actor = await requireAdmin(request);
  const body = await readJsonBody(request, SaveSchema, bodyLimit());
  return save(actor, body.base_version, body.settings, body.comment);
}

/**
 * POST /helix/policies/revert/{version} `{base_version, comment?}`: saves that version's document
 * again; version 0 is "no overrides" (the file's config alone).
 */
export async function revertPoliciesResponse(request: Request, rawVersion: string) {
  const actor = await requireAdmin(request);
  const version = Number(rawVersion);
  if (!/^\d+$/.test(rawVersion) || !Number.isSafeInteger(version)) throw new InvalidRequestError(`'${rawVersion}' is not a policy version.`, { param: "version" });
  const body = await readJsonBody(request, RevertSchema, bodyLimit());
  const old = version === 0 ? { settings: {} } : await policyVersionStore().get(version);
  if (!old) throw new NotFoundError(`No policy version ${version}.`, { param: "version" });
  return save(actor, body.base_version, old.settings, body.comment ?? (version === 0 ? "Back to the config file" : `Revert to version ${version}`));
}
