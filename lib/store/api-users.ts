// The API users (the `users` table: who keys are issued to), for the admin list. Users are created
// with keys (POST /helix/keys `user`); this only reads them, with their team and active key count.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getDb } from "./db";

export interface ApiUserSummary {
  id: string;
  externalId: string;
  email: string | null;
  name: string | null;
  teamId: string | null;
  team: string | null;
  org: string | null;
  /** Active (unrevoked) keys. */
  keyCount: number;
  createdAt: Date;
}

export async function listApiUsers(db: PrismaClient): Promise<ApiUserSummary[]> {
  const rows = await db.user.findMany({
    include: { team: { select: { name: true } }, org: { select: { name: true } }, _count: { select: { apiKeys: { where: { revokedAt: null } } } } },
    orderBy: [{ externalId: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    externalId: r.externalId,
    email: r.email,
    name: r.name,
    teamId: r.teamId,
    team: r.team?.name ?? null,
    org: r.org?.name ?? null,
    keyCount: r._count.apiKeys,
    createdAt: r.createdAt,
  }));
}

/** On the shared database. */
export async function listAllApiUsers(): Promise<ApiUserSummary[]> {
  return listApiUsers(await getDb());
}
