// The API users (the `users` table: who keys are issued to), for the admin API: listed with their
// team and active key count, created (here, or with a key naming a new `user`), edited (name,
// email, team) and deleted once no active key belongs to them.
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

const summaryInclude = {
  team: { select: { name: true } },
  org: { select: { name: true } },
  _count: { select: { apiKeys: { where: { revokedAt: null } } } },
} as const;

/** Why a write was refused: the admin API answers 409 (taken id, active keys) or 400 (unknown team). */
export type ApiUserRefusal =
  | { refused: "external_id_taken"; externalId: string; existingId: string }
  | { refused: "has_keys"; externalId: string; activeKeys: number }
  | { refused: "unknown_team"; teamId: string };

export type ApiUserWrite = { user: ApiUserSummary } | ApiUserRefusal;

export interface ApiUserInput {
  externalId: string;
  name?: string | null;
  email?: string | null;
  /** The user's team (its org becomes the user's); null or absent = none. */
  teamId?: string | null;
}

/** Absent fields are kept; null clears. */
export type ApiUserPatch = Partial<Omit<ApiUserInput, "externalId">>;

export interface ApiUserDeleted {
  id: string;
  externalId: string;
  /** Revoked keys of the user, now without one (their request logs keep the user id). */
  detachedRevokedKeys: number;
}

export async function getApiUser(db: PrismaClient, id: string): Promise<ApiUserSummary | null> {
  const row = await db.user.findUnique({ where: { id }, include: summaryInclude });
  return row ? summarize(row) : null;
}

/** The team's id and org, or undefined when there is no such team. */
async function teamLink(db: PrismaClient, teamId: string): Promise<{ teamId: string; orgId: string | null } | undefined> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { id: true, orgId: true } });
  return team ? { teamId: team.id, orgId: team.orgId } : undefined;
}

/** Creates a user; external ids are unique (keys name their user by it). */
export async function createApiUser(db: PrismaClient, input: ApiUserInput): Promise<ApiUserWrite> {
  const externalId = input.externalId.trim();
  if (!externalId) throw new Error("An API user needs an external id");
  let link: { teamId: string; orgId: string | null } | undefined;
  if (input.teamId) {
    link = await teamLink(db, input.teamId);
    if (!link) return { refused: "unknown_team", teamId: input.teamId };
  }
  const taken = await db.user.findUnique({ where: { externalId }, select: { id: true } });
  if (taken) return { refused: "external_id_taken", externalId, existingId: taken.id };
  try {
    const { id } = await db.user.create({
      data: { externalId, name: input.name ?? null, email: input.email ?? null, teamId: link?.teamId ?? null, orgId: link?.orgId ?? null },
      select: { id: true },
    });
    // Read apart from the write: Prisma runs an include's relation reads in parallel, which
    // node-postgres deprecates inside the write's implicit transaction.
    return { user: (await getApiUser(db, id))! };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await db.user.findUnique({ where: { externalId }, select: { id: true } });
    return { refused: "external_id_taken", externalId, existingId: existing?.id ?? "" };
  }
}

/**
 * Changes a user's name, email or team (the team's org becomes the user's; no team keeps the
 * org); null if unknown. The user's keys keep the team they were created in: a key's team is its own.
 */
export async function updateApiUser(db: PrismaClient, id: string, patch: ApiUserPatch): Promise<ApiUserWrite | null> {
  const data: { name?: string | null; email?: string | null; teamId?: string | null; orgId?: string | null } = {};
  if (patch.name !== undefined) data.name = patch.name;
  if (patch.email !== undefined) data.email = patch.email;
  if (patch.teamId === null) data.teamId = null;
  else if (patch.teamId !== undefined) {
    const link = await teamLink(db, patch.teamId);
    if (!link) return { refused: "unknown_team", teamId: patch.teamId };
    data.teamId = link.teamId;
    if (link.orgId) data.orgId = link.orgId;
  }
  if (Object.keys(data).length > 0) {
    const { count } = await db.user.updateMany({ where: { id }, data });
    if (count === 0) return null;
  }
  const user = await getApiUser(db, id);
  return user ? { user } : null;
}

/**
 * Deletes a user no active key belongs to; null if unknown. Its revoked keys are detached and its
 * own budget and PII policy go with it. A user with active keys is refused: revoke them first.
 */
export async function deleteApiUser(db: PrismaClient, id: string): Promise<ApiUserDeleted | ApiUserRefusal | null> {
  return db.$transaction(async (tx) => {
    // Row-locked, as a team's delete is (lib/store/teams.ts): no key can join the user meanwhile.
    const [user] = await tx.$queryRaw<Array<{ id: string; externalId: string }>>`SELECT id, external_id AS "externalId" FROM users WHERE id = ${id} FOR UPDATE`;
    if (!user) return null;
    const activeKeys = await tx.apiKey.count({ where: { userId: id, revokedAt: null } });
    if (activeKeys > 0) return { refused: "has_keys" as const, externalId: user.externalId, activeKeys };
    const keys = await tx.apiKey.updateMany({ where: { userId: id }, data: { userId: null } });
    await tx.budget.deleteMany({ where: { scopeType: "user", scopeId: id } });
    await tx.piiPolicy.deleteMany({ where: { scopeType: "user", scopeId: id } });
    await tx.user.delete({ where: { id } });
    return { id, externalId: user.externalId, detachedRevokedKeys: keys.count };
  });
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

type UserRow = {
  id: string;
  externalId: string;
  email: string | null;
  name: string | null;
  teamId: string | null;
  createdAt: Date;
  team: { name: string } | null;
  org: { name: string } | null;
  _count: { apiKeys: number };
};

function summarize(r: UserRow): ApiUserSummary {
  return {
    id: r.id,
    externalId: r.externalId,
    email: r.email,
    name: r.name,
    teamId: r.teamId,
    team: r.team?.name ?? null,
    org: r.org?.name ?? null,
    keyCount: r._count.apiKeys,
    createdAt: r.createdAt,
  };
}

export async function listApiUsers(db: PrismaClient): Promise<ApiUserSummary[]> {
  const rows = await db.user.findMany({ include: summaryInclude, orderBy: [{ externalId: "asc" }] });
  return rows.map(summarize);
}

/** On the shared database. */
export async function listAllApiUsers(): Promise<ApiUserSummary[]> {
  return listApiUsers(await getDb());
}
