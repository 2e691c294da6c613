// Whether the organisation, team, user or key a policy or budget names exists (their ids are
// not foreign keys: one scope_id column names four tables).
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type RecordScope = "org" | "team" | "user" | "key";

export async function scopeRecordExists(db: PrismaClient, scope: RecordScope, id: string): Promise<boolean> {
  const where = { where: { id }, select: { id: true } } as const;
  const found =
    scope === "org"
      ? await db.organization.findUnique(where)
      : scope === "team"
        ? await db.team.findUnique(where)
        : scope === "user"
          ? await db.user.findUnique(where)
          : await db.apiKey.findUnique(where);
  return found !== null;
}
