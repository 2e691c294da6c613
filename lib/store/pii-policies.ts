// Stored PII policies (one per org, team, user or key), as the admin API changes them. Every
// key lookup caches the policies that apply to its key, so a change drops the cached lookups of
// the keys it reaches: the next request of any of them, on any instance, sees the new policy.
import "server-only";
import { logger } from "@/lib/observability/logger";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { PiiPolicySettings } from "@/lib/config/schema";
import { policyName, type PiiPolicyRef, type PiiPolicyScope } from "@/lib/pii/policy-resolution";
import { invalidateKeyLookups } from "./api-keys";
import { getDb } from "./db";
import { getKv, type KeyValueStore } from "./kv";
import { loadPolicyRefs, type PolicyScopeIds } from "./pii-policy-refs";
import { scopeRecordExists } from "./scope-exists";

export interface PiiPolicyRecord {
  id: string;
  scope: PiiPolicyScope;
  scopeId: string;
  settings: PiiPolicySettings;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export interface PiiPolicyStoreOptions {
  db: () => Promise<PrismaClient>;
  kv: () => KeyValueStore;
  log?: (message: string) => void;
}

type Row = { id: string; scopeType: string; scopeId: string; settings: unknown; version: number; createdAt: Date; updatedAt: Date; updatedBy: string };

function toRecord(r: Row): PiiPolicyRecord {
  return {
    id: r.id,
    scope: r.scopeType as PiiPolicyScope,
    scopeId: r.scopeId,
    settings: r.settings as PiiPolicySettings,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

const ACTIVE = { revokedAt: null } as const;

export class PiiPolicyStore {
  private readonly db: () => Promise<PrismaClient>;
  private readonly kv: () => KeyValueStore;
  private readonly log: (message: string) => void;

  constructor(opts: PiiPolicyStoreOptions) {
    this.db = opts.db;
    this.kv = opts.kv;
    this.log = opts.log ?? (() => {});
  }

  async list(scope?: PiiPolicyScope): Promise<PiiPolicyRecord[]> {
    const db = await this.db();
    const rows = await db.piiPolicy.findMany({ where: scope ? { scopeType: scope } : {}, orderBy: [{ scopeType: "asc" }, { createdAt: "asc" }] });
    return rows.map(toRecord);
  }

  async get(scope: PiiPolicyScope, scopeId: string): Promise<PiiPolicyRecord | null> {
    const db = await this.db();
    const row = await db.piiPolicy.findUnique({ where: { scopeType_scopeId: { scopeType: scope, scopeId } } });
    return row ? toRecord(row) : null;
  }

  /** Whether the org, team, user or key a policy would be for exists. */
  async scopeExists(scope: PiiPolicyScope, scopeId: string): Promise<boolean> {
    return scopeRecordExists(await this.db(), scope, scopeId);
  }

  /**
   * Creates or replaces the policy of one scope (the stored settings are exactly `settings`:
   * a PUT, not a patch), bumping its version. The caller has validated `settings` and that the
   * scope exists.
   */
  async put(scope: PiiPolicyScope, scopeId: string, settings: PiiPolicySettings, updatedBy: string): Promise<{ policy: PiiPolicyRecord; created: boolean }> {
    const db = await this.db();
    const before = await db.piiPolicy.findUnique({ where: { scopeType_scopeId: { scopeType: scope, scopeId } }, select: { id: true } });
    const json = settings as object;
    const row = await db.piiPolicy.upsert({
      where: { scopeType_scopeId: { scopeType: scope, scopeId } },
      create: { scopeType: scope, scopeId, settings: json, updatedBy },
      update: { settings: json, updatedBy, version: { increment: 1 } },
    });
    await this.invalidate(db, scope, scopeId);
    return { policy: toRecord(row), created: before === null };
  }

  /** Removes a scope's policy (it inherits again); false when it had none. */
  async delete(scope: PiiPolicyScope, scopeId: string): Promise<boolean> {
    const db = await this.db();
    const { count } = await db.piiPolicy.deleteMany({ where: { scopeType: scope, scopeId } });
    if (count > 0) await this.invalidate(db, scope, scopeId);
    return count > 0;
  }

  /**
   * The ids a policy preview applies to: explicit ids win, the rest are filled from the most
   * specific one given (a key's user, team and org; a user's team and org; a team's org).
   * An id that does not exist is reported as `{unknown: <its scope>}`.
   */
  async chain(ids: { org?: string; team?: string; user?: string; key?: string }): Promise<{ ids: PolicyScopeIds } | { unknown: PiiPolicyScope }> {
    const db = await this.db();
    const out: PolicyScopeIds = { orgId: ids.org, teamId: ids.team, userId: ids.user, keyId: ids.key };
    if (ids.key) {
      const k = await db.apiKey.findUnique({ where: { id: ids.key }, select: { userId: true, teamId: true, orgId: true } });
      if (!k) return { unknown: "key" };
      out.userId ??= k.userId;
      out.teamId ??= k.teamId;
      out.orgId ??= k.orgId;
    }
    if (ids.user) {
      const u = await db.user.findUnique({ where: { id: ids.user }, select: { teamId: true, orgId: true } });
      if (!u) return { unknown: "user" };
      out.teamId ??= u.teamId;
      out.orgId ??= u.orgId;
    }
    if (ids.team) {
      const t = await db.team.findUnique({ where: { id: ids.team }, select: { orgId: true } });
      if (!t) return { unknown: "team" };
      out.orgId ??= t.orgId;
    }
    if (ids.org && !(await db.organization.findUnique({ where: { id: ids.org }, select: { id: true } }))) return { unknown: "org" };
    return { ids: out };
  }

  /** The stored policies for these ids, straight from the database (admin preview). */
  async refs(ids: PolicyScopeIds): Promise<PiiPolicyRef[]> {
    return loadPolicyRefs(await this.db(), ids);
  }

  // The key lookups that carry this scope's policy: the key itself, or every active key of the
  // user, team or org (keys name their org directly, so an org's keys are found without teams).
  private async invalidate(db: PrismaClient, scope: PiiPolicyScope, scopeId: string): Promise<void> {
    const where =
      scope === "key" ? { id: scopeId } : scope === "user" ? { userId: scopeId } : scope === "team" ? { teamId: scopeId } : { orgId: scopeId };
    const keys = await db.apiKey.findMany({ where: { ...where, ...ACTIVE }, select: { keyHash: true } });
    await invalidateKeyLookups(
      this.kv(),
      keys.map((k) => k.keyHash),
      (m) => this.log(`${policyName(scope, scopeId)}: ${m}`),
    );
  }
}

// ---- default store over the process-wide database and KV --------------------------------------

const GLOBAL_KEY = Symbol.for("helix.store.piiPolicies");
export function piiPolicyStore(): PiiPolicyStore {
  const g = globalThis as unknown as Record<symbol, PiiPolicyStore | undefined>;
  return (g[GLOBAL_KEY] ??= new PiiPolicyStore({ db: getDb, kv: getKv, log: (m) => logger().warn({ component: "pii-policies" }, m) }));
}
