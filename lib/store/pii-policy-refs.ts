// Loads the stored PII policies that apply to a key (its own, its user's, team's and org's) in
// one query. Used by the key lookup, whose cached record carries them, so a request needs no
// query of its own; kept apart from pii-policies.ts so api-keys.ts does not import it (cycle).
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { PiiPolicySettings } from "@/lib/config/schema";
import { isPiiPolicyScope, type PiiPolicyRef, type PiiPolicyScope } from "@/lib/pii/policy-resolution";

export interface PolicyScopeIds {
  orgId?: string | null;
  teamId?: string | null;
  userId?: string | null;
  keyId?: string | null;
}

type Db = Pick<PrismaClient, "piiPolicy">;

export async function loadPolicyRefs(db: Db, ids: PolicyScopeIds): Promise<PiiPolicyRef[]> {
  const where: { scopeType: PiiPolicyScope; scopeId: string }[] = [];
  if (ids.orgId) where.push({ scopeType: "org", scopeId: ids.orgId });
  if (ids.teamId) where.push({ scopeType: "team", scopeId: ids.teamId });
  if (ids.userId) where.push({ scopeType: "user", scopeId: ids.userId });
  if (ids.keyId) where.push({ scopeType: "key", scopeId: ids.keyId });
  if (where.length === 0) return [];
  const rows = await db.piiPolicy.findMany({ where: { OR: where }, select: { id: true, scopeType: true, scopeId: true, version: true, settings: true } });
  return rows
    .filter((r) => isPiiPolicyScope(r.scopeType))
    .map((r) => ({ scope: r.scopeType as PiiPolicyScope, scopeId: r.scopeId, id: r.id, version: r.version, settings: r.settings as PiiPolicySettings }));
}
