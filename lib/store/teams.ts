// Teams as the admin API sees them: their cache settings and how many keys they have. Teams are
// created here (POST /helix/teams) or with a key naming a new team (POST /helix/keys); here they
// are listed, renamed, their settings changed, and deleted once no active key belongs to them.
import "server-only";
import { logger } from "@/lib/observability/logger";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { invalidateKeyLookups } from "./api-keys";
import { cacheSettingsData, cacheSettingsOf, type CacheSettings, type CacheSettingsPatch } from "./cache-settings";
import { getDb } from "./db";
import { getKv, type KeyValueStore } from "./kv";

export interface TeamSummary {
  id: string;
  name: string;
  org: string | null;
  /** The team's own settings (null = inherit from the config). */
  cache: CacheSettings;
  /** Active (unrevoked) keys. */
  keyCount: number;
  createdAt: Date;
}

/** Why a create, rename or delete was refused (the admin API answers 409 with it). */
export type TeamConflict =
  | { conflict: "name_taken"; name: string; org: string | null; existingId: string }
  | { conflict: "has_keys"; name: string; activeKeys: number };

export type TeamWrite = { team: TeamSummary } | TeamConflict;

export interface TeamDeleted {
  id: string;
  name: string;
  /** API users of the team, now without one. */
  detachedUsers: number;
  /** Revoked keys of the team, now without one (their request logs keep the team id). */
  detachedRevokedKeys: number;
}

export interface TeamStoreOptions {
  db: () => Promise<PrismaClient>;
  kv: () => KeyValueStore;
  log?: (message: string) => void;
}

const summaryInclude = {
  org: { select: { name: true } },
  _count: { select: { apiKeys: { where: { revokedAt: null } } } },
} as const;

type TeamRow = {
  id: string;
  name: string;
  createdAt: Date;
  cacheEnabled: boolean | null;
  semanticThreshold: number | null;
  org: { name: string } | null;
  _count: { apiKeys: number };
};

export class TeamStore {
  private readonly db: () => Promise<PrismaClient>;
  private readonly kv: () => KeyValueStore;
  private readonly log: (message: string) => void;

  constructor(opts: TeamStoreOptions) {
    this.db = opts.db;
    this.kv = opts.kv;
    this.log = opts.log ?? (() => {});
  }

  async list(): Promise<TeamSummary[]> {
    const db = await this.db();
    const rows = await db.team.findMany({ include: summaryInclude, orderBy: [{ name: "asc" }, { createdAt: "asc" }] });
    return rows.map(summarize);
  }

  async get(id: string): Promise<TeamSummary | null> {
    const db = await this.db();
    const row = await db.team.findUnique({ where: { id }, include: summaryInclude });
    return row ? summarize(row) : null;
  }

  /**
   * Creates a team named `name` in `org` (created when new, as keys do; none = no org). Names are
   * unique within an org, and among org-less teams (checked here: NULLs are distinct in the index).
   */
  async create(input: { name: string; org?: string }): Promise<TeamWrite> {
    const name = input.name.trim();
    if (!name) throw new Error("A team needs a name");
    const db = await this.db();
    const orgName = input.org?.trim() || null;
    // A unique violation is a concurrent create of the same team (or of the same new org): the
    // second attempt sees what the other one committed and answers from it.
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await db.$transaction(async (tx): Promise<TeamConflict | { id: string }> => {
          const org = orgName ? await tx.organization.upsert({ where: { name: orgName }, create: { name: orgName }, update: {} }) : null;
          const taken = await tx.team.findFirst({ where: { orgId: org?.id ?? null, name }, select: { id: true } });
          if (taken) return { conflict: "name_taken", name, org: org?.name ?? null, existingId: taken.id };
          return { id: (await tx.team.create({ data: { name, orgId: org?.id ?? null }, select: { id: true } })).id };
        });
        if ("conflict" in result) return result;
        return { team: (await this.get(result.id))! };
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Renames a team (unique within its org); null if unknown. Every key lookup caches its team's
   * name (model-swap rules match on it), so the team's keys' cached lookups are dropped.
   */
  async rename(id: string, newName: string): Promise<TeamWrite | null> {
    const name = newName.trim();
    if (!name) throw new Error("A team needs a name");
    const db = await this.db();
    const current = await db.team.findUnique({ where: { id }, select: { orgId: true, name: true, org: { select: { name: true } } } });
    if (!current) return null;
    if (current.name !== name) {
      const taken = await db.team.findFirst({ where: { orgId: current.orgId, name, NOT: { id } }, select: { id: true } });
      if (taken) return { conflict: "name_taken", name, org: current.org?.name ?? null, existingId: taken.id };
      try {
        const { count } = await db.team.updateMany({ where: { id }, data: { name } });
        if (count === 0) return null;
      } catch (err) {
        if (isUniqueViolation(err)) return this.nameTaken(name, current.org?.name ?? null);
        throw err;
      }
      await this.dropKeyLookups(db, id);
    }
    const team = await this.get(id);
    return team ? { team } : null;
  }

  /**
   * Deletes a team that no active key belongs to; null if unknown. Its users and revoked keys are
   * detached (no team), and its own budget and PII policy go with it. A team with active keys is
   * refused (revoke the keys or create them in another team first): deleting it would silently
   * move live traffic out of the team's budget, limits and policies.
   */
  async remove(id: string): Promise<TeamDeleted | TeamConflict | null> {
    const db = await this.db();
    return db.$transaction(async (tx) => {
      // Row-locked: a key being created in this team meanwhile waits on its foreign key, then fails,
      // instead of committing between the count and the delete and being detached, still active.
      const [team] = await tx.$queryRaw<Array<{ id: string; name: string }>>`SELECT id, name FROM teams WHERE id = ${id} FOR UPDATE`;
      if (!team) return null;
      const activeKeys = await tx.apiKey.count({ where: { teamId: id, revokedAt: null } });
      if (activeKeys > 0) return { conflict: "has_keys" as const, name: team.name, activeKeys };
      const users = await tx.user.updateMany({ where: { teamId: id }, data: { teamId: null } });
      const keys = await tx.apiKey.updateMany({ where: { teamId: id }, data: { teamId: null } });
      await tx.budget.deleteMany({ where: { scopeType: "team", scopeId: id } });
      await tx.piiPolicy.deleteMany({ where: { scopeType: "team", scopeId: id } });
      await tx.team.delete({ where: { id } });
      return { id, name: team.name, detachedUsers: users.count, detachedRevokedKeys: keys.count };
    });
  }

  private async nameTaken(name: string, org: string | null): Promise<TeamConflict> {
    const db = await this.db();
    const existing = await db.team.findFirst({ where: { name, ...(org ? { org: { name: org } } : { orgId: null }) }, select: { id: true } });
    return { conflict: "name_taken", name, org, existingId: existing?.id ?? "" };
  }

  private async dropKeyLookups(db: PrismaClient, teamId: string): Promise<void> {
    // Revoked keys are cached as revoked whatever their team says: nothing to drop for them.
    const keys = await db.apiKey.findMany({ where: { teamId, revokedAt: null }, select: { keyHash: true } });
    await invalidateKeyLookups(this.kv(), keys.map((k) => k.keyHash), this.log);
  }

  /**
   * Changes a team's cache settings; null if the team is unknown. Every key lookup caches its
   * team's settings, so the team's keys' cached lookups are dropped: the next request of any of
   * them, on any instance, reads the new settings. (Chosen over a per-team version in the KV
   * store, which would cost every request a second KV read to spare a rare admin action a few deletes.)
   */
  async updateCache(id: string, patch: CacheSettingsPatch): Promise<TeamSummary | null> {
    const db = await this.db();
    const data = cacheSettingsData(patch);
    if (Object.keys(data).length > 0) {
      const { count } = await db.team.updateMany({ where: { id }, data });
      if (count === 0) return null;
      // Revoked keys are cached as revoked whatever their team says: nothing to drop for them.
      const keys = await db.apiKey.findMany({ where: { teamId: id, revokedAt: null }, select: { keyHash: true } });
      await invalidateKeyLookups(this.kv(), keys.map((k) => k.keyHash), this.log);
    }
    const row = await db.team.findUnique({ where: { id }, include: summaryInclude });
    return row ? summarize(row) : null;
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

function summarize(row: TeamRow): TeamSummary {
  return {
    id: row.id,
    name: row.name,
    org: row.org?.name ?? null,
    cache: cacheSettingsOf(row),
    keyCount: row._count.apiKeys,
    createdAt: row.createdAt,
  };
}

// ---- default store over the process-wide database and KV --------------------------------------

const GLOBAL_KEY = Symbol.for("helix.store.teams");
function defaultStore(): TeamStore {
  const g = globalThis as unknown as Record<symbol, TeamStore | undefined>;
  return (g[GLOBAL_KEY] ??= new TeamStore({ db: getDb, kv: getKv, log: (m) => logger().warn({ component: "teams" }, m) }));
}

export function listTeams(): Promise<TeamSummary[]> {
  return defaultStore().list();
}

/** Changes a team's cache settings (null fields inherit again), effective on every instance at once; null if unknown. */
export function updateTeamCache(id: string, patch: CacheSettingsPatch): Promise<TeamSummary | null> {
  return defaultStore().updateCache(id, patch);
}

export function getTeam(id: string): Promise<TeamSummary | null> {
  return defaultStore().get(id);
}

/** Creates a team (its org created when new), unless the name is taken in that org. */
export function createTeam(input: { name: string; org?: string }): Promise<TeamWrite> {
  return defaultStore().create(input);
}

/** Renames a team, effective for its keys on every instance at once; null if unknown. */
export function renameTeam(id: string, name: string): Promise<TeamWrite | null> {
  return defaultStore().rename(id, name);
}

/** Deletes a team without active keys (users and revoked keys detached); null if unknown. */
export function deleteTeam(id: string): Promise<TeamDeleted | TeamConflict | null> {
  return defaultStore().remove(id);
}
