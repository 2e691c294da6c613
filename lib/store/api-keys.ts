// Virtual API keys. Only the sha256 of a key is stored; the clear key is shown once, at creation.
// Lookups are cached in the KeyValueStore so authenticating a request costs one KV get, and
// revocation rewrites that cache entry so every instance sharing the Redis rejects the key at once.
// The cached record carries the key's and its team's cache settings, so the gateway knows a
// caller's cache policy without a query; changing them drops the cached lookups (see below).
// Likewise the PII policies of the key, its user, team and org (pii-policy-refs.ts).
import "server-only";
import { logger } from "@/lib/observability/logger";
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { cacheSettingsData, cacheSettingsOf, type CacheSettings, type CacheSettingsPatch } from "./cache-settings";
import { getDb } from "./db";
import { getKv, type KeyValueStore } from "./kv";
import type { PiiPolicyRef } from "@/lib/pii/policy-resolution";
import { loadPolicyRefs } from "./pii-policy-refs";

export const API_KEY_PREFIX = "sk-helix-";
const KEY_RANDOM_CHARS = 40;
const DISPLAY_PREFIX_LENGTH = 12;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Cache TTLs: found keys (incl. revoked) and unknown keys (short, so a new key works quickly). */
export const KEY_CACHE_TTL_SECONDS = 60;
export const KEY_NEGATIVE_CACHE_TTL_SECONDS = 5;
const TOUCH_INTERVAL_MS = 60_000;

export type JsonObject = { [key: string]: unknown };

export interface CreateApiKeyInput {
  name: string;
  /** The user's external id, or the user with optional details. Created when unknown. */
  user?: string | { externalId: string; email?: string; name?: string };
  /** Team name (within the org when one is given). Created when unknown. */
  team?: string;
  /** Organization name. Created when unknown. */
  org?: string;
  /** Allowed models; empty or omitted = all. */
  models?: string[];
  metadata?: JsonObject;
  /** The key's own cache settings; omitted fields inherit from the team, then the config. */
  cache?: CacheSettingsPatch;
}

export interface CreatedApiKey {
  id: string;
  /** The clear key. Returned only here; it cannot be recovered later. */
  key: string;
  keyPrefix: string;
  name: string;
  user: string | null;
  team: string | null;
  org: string | null;
  models: string[];
  metadata: JsonObject | null;
  cache: CacheSettings;
  createdAt: Date;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  keyPrefix: string;
  user: string | null;
  team: string | null;
  org: string | null;
  models: string[];
  metadata: JsonObject | null;
  /** The key's own settings (null = inherit), not the resolved ones. */
  cache: CacheSettings;
  status: "active" | "revoked";
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What authentication needs about a key; cached as JSON in the KV store. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  userId: string | null;
  teamId: string | null;
  orgId: string | null;
  user: string | null;
  team: string | null;
  org: string | null;
  models: string[];
  revoked: boolean;
  /** The key's own cache settings. Absent in entries cached by an older version: inherit. */
  cache?: CacheSettings;
  /** Its team's cache settings; null without a team. */
  teamCache?: CacheSettings | null;
  /**
   * The stored PII policies of its org, team, user and key (empty for revoked keys). Entries
   * cached without this field (older versions) are read again: a policy must not be skipped.
   */
  piiPolicies: PiiPolicyRef[];
}

/** sha256 hex of a key: what is stored and what the cache is keyed by. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function keyCacheKey(hash: string): string {
  return `helix:key:${hash}`;
}

/** `sk-helix-` + 40 base62 characters from the CSPRNG (rejection sampling: no modulo bias). */
/** Whether a token has the shape of a virtual key (cheap; decides whether a lookup is worth it). */
export function looksLikeApiKey(token: string): boolean {
  return token.length === API_KEY_PREFIX.length + KEY_RANDOM_CHARS && token.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9]+$/.test(token.slice(API_KEY_PREFIX.length));
}

export function generateApiKey(): string {
  let out = "";
  while (out.length < KEY_RANDOM_CHARS) {
    for (const b of randomBytes(64)) {
      if (b < 248) out += BASE62[b % 62]; // 248 = 4 * 62
      if (out.length === KEY_RANDOM_CHARS) break;
    }
  }
  return API_KEY_PREFIX + out;
}

export interface ApiKeyStoreOptions {
  db: () => Promise<PrismaClient>;
  kv: () => KeyValueStore;
  log?: (message: string) => void;
  now?: () => number;
}

type KeyRow = {
  id: string;
  name: string;
  keyPrefix: string;
  userId: string | null;
  teamId: string | null;
  orgId: string | null;
  models: string[];
  metadata: unknown;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  cacheEnabled: boolean | null;
  semanticThreshold: number | null;
  user: { externalId: string } | null;
  team: { name: string; cacheEnabled: boolean | null; semanticThreshold: number | null } | null;
  org: { name: string } | null;
};

const withNames = {
  user: { select: { externalId: true } },
  team: { select: { name: true, cacheEnabled: true, semanticThreshold: true } },
  org: { select: { name: true } },
} as const;

// Cluster-safe (one key per DEL) but not one round trip per key in series.
const INVALIDATE_BATCH = 100;
const INVALIDATE_AGAIN_MS = 1_000;

/**
 * Drops the cached lookups of these key hashes so the next request on any instance reads the
 * database. Deleting (rather than rewriting fresh records) cannot race a concurrent revocation
 * into caching an active record; the delete is repeated a second later for a lookup that read the
 * old row just before the change and cached it just after. Failures are logged: with the KV store
 * down, lookups go to the database anyway.
 */
export async function invalidateKeyLookups(kv: KeyValueStore, hashes: readonly string[], log: (message: string) => void): Promise<void> {
  if (hashes.length === 0) return;
  const run = async () => {
    for (let i = 0; i < hashes.length; i += INVALIDATE_BATCH) {
      await Promise.all(hashes.slice(i, i + INVALIDATE_BATCH).map((h) => kv.del(keyCacheKey(h))));
    }
  };
  const attempt = () => run().catch((err: unknown) => log(`could not invalidate cached api key lookups: ${message(err)}`));
  await attempt();
  setTimeout(() => void attempt(), INVALIDATE_AGAIN_MS).unref();
}

export class ApiKeyStore {
  private readonly db: () => Promise<PrismaClient>;
  private readonly kv: () => KeyValueStore;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  /** key id → last time this process wrote lastUsedAt */
  private readonly touched = new Map<string, number>();

  constructor(opts: ApiKeyStoreOptions) {
    this.db = opts.db;
    this.kv = opts.kv;
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (!name) throw new Error("An API key needs a name");
    const cacheData = cacheSettingsData(input.cache);
    const key = generateApiKey();
    const db = await this.db();

    const { id } = await db.$transaction(async (tx) => {
      const org = input.org
        ? await tx.organization.upsert({ where: { name: input.org }, create: { name: input.org }, update: {} })
        : null;

      let team: { id: string } | null = null;
      if (input.team) {
        if (org) {
          team = await tx.team.upsert({
            where: { orgId_name: { orgId: org.id, name: input.team } },
            create: { name: input.team, orgId: org.id },
            update: {},
          });
        } else {
          // NULLs are distinct in the unique index, so org-less teams are matched by name here.
          team =
            (await tx.team.findFirst({ where: { orgId: null, name: input.team } })) ??
            (await tx.team.create({ data: { name: input.team } }));
        }
      }

      let userId: string | null = null;
      if (input.user) {
        const u = typeof input.user === "string" ? { externalId: input.user } : input.user;
        // Link the user to the team/org given with this key, and keep details already known.
        const links = {
          ...(team ? { teamId: team.id } : {}),
          ...(org ? { orgId: org.id } : {}),
          ...(u.email !== undefined ? { email: u.email } : {}),
          ...(u.name !== undefined ? { name: u.name } : {}),
        };
        const user = await tx.user.upsert({
          where: { externalId: u.externalId },
          create: { externalId: u.externalId, ...links },
          update: links,
        });
        userId = user.id;
      }

      return tx.apiKey.create({
        data: {
          name,
          keyHash: hashKey(key),
          keyPrefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
          userId,
          teamId: team?.id ?? null,
          orgId: org?.id ?? null,
          models: [...new Set(input.models ?? [])],
          ...(input.metadata !== undefined ? { metadata: input.metadata as object } : {}),
          ...cacheData,
        },
        select: { id: true },
      });
    });
    // Names are read after commit: Prisma runs the relation reads of an include in parallel, which
    // node-postgres deprecates on a transaction's single connection.
    const row = await db.apiKey.findUniqueOrThrow({ where: { id }, include: withNames });

    const s = summarize(row);
    return {
      id: s.id,
      key,
      keyPrefix: s.keyPrefix,
      name: s.name,
      user: s.user,
      team: s.team,
      org: s.org,
      models: s.models,
      metadata: s.metadata,
      cache: s.cache,
      createdAt: s.createdAt,
    };
  }

  async list(): Promise<ApiKeySummary[]> {
    const db = await this.db();
    const rows = await db.apiKey.findMany({ include: withNames, orderBy: { createdAt: "desc" } });
    return rows.map(summarize);
  }

  async revoke(id: string): Promise<ApiKeySummary | null> {
    const db = await this.db();
    // Keep the first revocation time if it is revoked twice.
    await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(this.now()) } });
    const row = await db.apiKey.findUnique({ where: { id }, include: withNames });
    if (!row) return null;
    const record = toRecord(row);
    // Overwrite rather than delete: a lookup that read the row just before the update cannot then
    // re-cache it as active for a minute. Rewritten once more shortly after, for the same race.
    const kv = this.kv();
    await this.cacheRecord(row.keyHash, record, kv);
    setTimeout(() => void this.cacheRecord(row.keyHash, record, kv), 1_000).unref();
    return summarize(row);
  }

  /** Changes a key's own cache settings, effective from the next request on every instance; null if unknown. */
  async updateCache(id: string, patch: CacheSettingsPatch): Promise<ApiKeySummary | null> {
    const db = await this.db();
    const data = cacheSettingsData(patch);
    if (Object.keys(data).length > 0) {
      const { count } = await db.apiKey.updateMany({ where: { id }, data });
      if (count === 0) return null;
    }
    const row = await db.apiKey.findUnique({ where: { id }, include: withNames });
    if (!row) return null;
    if (Object.keys(data).length > 0) await invalidateKeyLookups(this.kv(), [row.keyHash], this.log);
    return summarize(row);
  }

  /** The hot path: one KV get when cached; a DB query at most once a minute per key. */
  /** `hash`: the key's hashKey() when the caller has it already. */
  async find(clearKey: string, hash = hashKey(clearKey)): Promise<ApiKeyRecord | null> {
    const cacheKey = keyCacheKey(hash);
    let cached: string | null = null;
    try {
      cached = await this.kv().get(cacheKey);
    } catch (err) {
      // The KV store being down must not lock everyone out: fall through to the database.
      this.log(`api key cache unavailable: ${message(err)}`);
    }
    if (cached !== null) {
      const record = parseCached(cached);
      if (record !== undefined) {
        if (record && !record.revoked) this.touch(record.id);
        return record;
      }
    }

    const db = await this.db();
    const row = await db.apiKey.findUnique({ where: { keyHash: hash }, include: withNames });
    const policies = row && !row.revokedAt ? await loadPolicyRefs(db, { keyId: row.id, userId: row.userId, teamId: row.teamId, orgId: row.orgId }) : [];
    const record = row ? toRecord(row, policies) : null;
    await this.cacheRecord(hash, record);
    if (record && !record.revoked) this.touch(record.id);
    return record;
  }

  private async cacheRecord(hash: string, record: ApiKeyRecord | null, kv = this.kv()): Promise<void> {
    try {
      await kv.set(
        keyCacheKey(hash),
        JSON.stringify(record),
        record ? KEY_CACHE_TTL_SECONDS : KEY_NEGATIVE_CACHE_TTL_SECONDS,
      );
    } catch (err) {
      this.log(`could not cache api key lookup: ${message(err)}`);
    }
  }

  // lastUsedAt is informational: written at most once a minute per key per process, and the
  // WHERE clause keeps several instances from each writing it every minute. Never awaited.
  private touch(id: string): void {
    const t = this.now();
    const last = this.touched.get(id);
    if (last !== undefined && t - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(id, t);
    if (this.touched.size > 10_000) {
      for (const [k, v] of this.touched) if (t - v >= TOUCH_INTERVAL_MS) this.touched.delete(k);
    }
    const cutoff = new Date(t - TOUCH_INTERVAL_MS);
    void this.db()
      .then((db) =>
        db.apiKey.updateMany({
          where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: cutoff } }] },
          data: { lastUsedAt: new Date(t) },
        }),
      )
      .catch((err: unknown) => this.log(`could not update lastUsedAt: ${message(err)}`));
  }
}

function summarize(row: KeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.keyPrefix,
    user: row.user?.externalId ?? null,
    team: row.team?.name ?? null,
    org: row.org?.name ?? null,
    models: row.models,
    metadata: (row.metadata ?? null) as JsonObject | null,
    cache: cacheSettingsOf(row),
    status: row.revokedAt ? "revoked" : "active",
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

function toRecord(row: KeyRow, piiPolicies: PiiPolicyRef[] = []): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    userId: row.userId,
    teamId: row.teamId,
    orgId: row.orgId,
    user: row.user?.externalId ?? null,
    team: row.team?.name ?? null,
    org: row.org?.name ?? null,
    models: row.models,
    revoked: row.revokedAt !== null,
    cache: cacheSettingsOf(row),
    teamCache: row.team ? cacheSettingsOf(row.team) : null,
    piiPolicies,
  };
}

/** undefined = unreadable entry (treated as a miss). */
function parseCached(raw: string): ApiKeyRecord | null | undefined {
  try {
    const v = JSON.parse(raw) as ApiKeyRecord | null;
    if (v === null) return null;
    return typeof v === "object" && typeof v.id === "string" && Array.isArray(v.piiPolicies) ? v : undefined;
  } catch {
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---- default store over the process-wide database and KV --------------------------------------

const GLOBAL_KEY = Symbol.for("helix.store.apiKeys");
function defaultStore(): ApiKeyStore {
  const g = globalThis as unknown as Record<symbol, ApiKeyStore | undefined>;
  return (g[GLOBAL_KEY] ??= new ApiKeyStore({
    db: getDb,
    kv: getKv,
    log: (m) => logger().warn({ component: "api-keys" }, m),
  }));
}

export function createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
  return defaultStore().create(input);
}

export function listApiKeys(): Promise<ApiKeySummary[]> {
  return defaultStore().list();
}

/** Revokes a key (effective at once on every instance sharing the KV store); null if unknown. */
export function revokeApiKey(id: string): Promise<ApiKeySummary | null> {
  return defaultStore().revoke(id);
}

/** Changes a key's own cache settings (null fields inherit again); null if the key is unknown. */
export function updateApiKeyCache(id: string, patch: CacheSettingsPatch): Promise<ApiKeySummary | null> {
  return defaultStore().updateCache(id, patch);
}

/** Looks a clear key up; revoked keys are returned with revoked: true, unknown ones as null. */
export function findApiKey(clearKey: string, hash?: string): Promise<ApiKeyRecord | null> {
  return defaultStore().find(clearKey, hash);
}
