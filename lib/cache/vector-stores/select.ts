// Which vector store this process uses, decided once (singleton on globalThis: Next.js may load
// this module more than once per process, and there must be one index per process).
//
// helix_settings.semantic_cache.vector_store: auto | pgvector | redis | memory (default auto).
//   auto: Redis Stack when REDIS_URL is set and the server has RediSearch 2.4+ (shared by every
//         instance); else pgvector when the database has it (PGlite always does; shared too);
//         else the in-process store (per instance: each gateway has its own semantic cache).
// An explicit choice that cannot be served degrades to the in-process store with a warning and
// says why in vectorStoreStatus() (/health/readiness), instead of failing requests: the semantic
// cache is an optimisation, never a reason to refuse traffic.
import "server-only";
import { Redis } from "ioredis";
import { getConfig } from "@/lib/config/loader";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { dbInfo, getDb } from "@/lib/store/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { MemoryVectorStore } from "./memory";
import { PgvectorStore } from "./pgvector";
import { probeSearchModule, RedisStackStore } from "./redis-stack";
import type { VectorStore, VectorStoreKind } from "./types";

export const VECTOR_STORE_SETTINGS = ["auto", "pgvector", "redis", "memory"] as const;
export type VectorStoreSetting = (typeof VECTOR_STORE_SETTINGS)[number];

export interface VectorStoreStatus {
  /** null until the first getVectorStore() has decided. */
  kind: VectorStoreKind | null;
  reason: string;
  /** Whether every gateway instance sees the same entries (false for the in-process store). */
  shared: boolean;
}

export interface ChooseDeps {
  setting: VectorStoreSetting;
  redisUrl?: string;
  /** Connects (or rejects); the client is closed by the caller when not used. */
  openRedis?: (url: string) => Promise<Redis>;
  getDb?: () => Promise<PrismaClient>;
  /** Whether the opened database has pgvector (dbInfo().vector after getDb()). */
  hasVector?: () => boolean;
  /** Whether the database is embedded PGlite (one connection). */
  isPglite?: () => boolean;
  log?: (message: string) => void;
}

export interface Choice {
  store: VectorStore;
  status: VectorStoreStatus;
}

/** The decision itself, without globals (tests call this directly). */
export async function chooseVectorStore(deps: ChooseDeps): Promise<Choice> {
  const log = deps.log ?? (() => {});
  const notes: string[] = [];

  const tryRedis = async (): Promise<Choice | undefined> => {
    if (!deps.redisUrl) {
      notes.push("REDIS_URL is not set");
      return undefined;
    }
    let client: Redis | undefined;
    try {
      client = await (deps.openRedis ?? openRedis)(deps.redisUrl);
      const probe = await probeSearchModule(client);
      if (!probe.available) {
        notes.push(probe.reason);
        client.disconnect();
        return undefined;
      }
      return { store: new RedisStackStore({ client, ownsClient: true }), status: { kind: "redis", reason: `Redis Stack: ${probe.reason}`, shared: true } };
    } catch (err) {
      client?.disconnect();
      notes.push(`Redis is unreachable (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  };

  const tryPgvector = async (): Promise<Choice | undefined> => {
    const open = deps.getDb ?? getDb;
    try {
      const prisma = await open();
      if (!(deps.hasVector ?? (() => dbInfo().vector))()) {
        notes.push("the database has no pgvector extension");
        return undefined;
      }
      const singleConnection = (deps.isPglite ?? (() => dbInfo().kind === "pglite"))();
      return { store: new PgvectorStore({ db: prisma, log, singleConnection }), status: { kind: "pgvector", reason: "pgvector in the database", shared: true } };
    } catch (err) {
      notes.push(`the database is unavailable (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  };

  const memory = (why: string): Choice => ({
    store: new MemoryVectorStore(),
    status: { kind: "memory", reason: why, shared: false },
  });

  switch (deps.setting) {
    case "memory":
      return memory("in-process, as configured (per instance: not shared between gateways)");
    case "redis": {
      const c = await tryRedis();
      if (c) return c;
      const why = `vector_store is redis, but ${notes.join("; ")}: using the in-process store instead (per instance)`;
      log(why);
      return memory(why);
    }
    case "pgvector": {
      const c = await tryPgvector();
      if (c) return c;
      const why = `vector_store is pgvector, but ${notes.join("; ")}: using the in-process store instead (per instance)`;
      log(why);
      return memory(why);
    }
    default: {
      const c = (await tryRedis()) ?? (await tryPgvector());
      if (c) {
        if (notes.length) c.status.reason += ` (${notes.join("; ")})`;
        return c;
      }
      return memory(`in-process (per instance: not shared between gateways) because ${notes.join("; ")}`);
    }
  }
}

/** The configured setting; anything unreadable means "auto" (an optimisation must not break start-up). */
export function configuredVectorStore(): VectorStoreSetting {
  try {
    const value = (getConfig().helix_settings.semantic_cache as { vector_store?: unknown }).vector_store;
    return VECTOR_STORE_SETTINGS.includes(value as VectorStoreSetting) ? (value as VectorStoreSetting) : "auto";
  } catch {
    return "auto";
  }
}

// Same connection conventions as lib/store/kv-redis.ts (fail fast while down, reconnect in the
// background), plus RESP2: RediSearch's RESP2 replies are the documented, stable shapes.
async function openRedis(url: string): Promise<Redis> {
  const client = new Redis(url, {
    protocol: 2,
    lazyConnect: true,
    connectTimeout: 5_000,
    commandTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
  });
  let reported = false;
  client.on("error", (err: Error) => {
    if (reported) return;
    reported = true;
    logger().warn({ component: "vector-store" }, `Redis for the semantic index is unavailable: ${err.message} (retrying in the background)`);
  });
  client.on("ready", () => (reported = false));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return client;
}

// ---- process-wide singleton --------------------------------------------------------------------

interface SelectGlobal {
  pending?: Promise<VectorStore>;
  status?: VectorStoreStatus;
}
const GLOBAL_KEY = Symbol.for("helix.cache.vectorStore");
function state(): SelectGlobal {
  const g = globalThis as unknown as Record<symbol, SelectGlobal | undefined>;
  return (g[GLOBAL_KEY] ??= {});
}

/** The process-wide vector store, chosen at the first call. */
export function getVectorStore(): Promise<VectorStore> {
  const s = state();
  if (!s.pending) {
    const setting = configuredVectorStore();
    const log = (m: string) => logger().warn({ component: "vector-store" }, m);
    s.pending = chooseVectorStore({ setting, redisUrl: env().REDIS_URL, log }).then((c) => {
      s.status = c.status;
      logger().info({ component: "vector-store", kind: c.status.kind }, `semantic cache vectors: ${c.status.reason}`);
      return c.store;
    });
    // The choice never rejects (every failure degrades), but keep a broken promise from sticking.
    s.pending.catch(() => (s.pending = undefined));
  }
  return s.pending;
}

/** For /health/readiness and the dashboard: what was chosen and why. */
export function vectorStoreStatus(): VectorStoreStatus {
  return state().status ?? { kind: null, reason: "not chosen yet (the first semantic cache lookup decides)", shared: false };
}

/** Graceful shutdown (and tests): closes the store; the next getVectorStore() chooses again. */
export async function closeVectorStore(): Promise<void> {
  const s = state();
  const pending = s.pending;
  s.pending = undefined;
  s.status = undefined;
  const store = await pending?.catch(() => undefined);
  await store?.close();
}
