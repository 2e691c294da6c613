// Teams as the admin API sees them: their cache settings and how many keys they have. Teams are
// created with keys (POST /helix/keys); here they are listed and their settings changed.
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
