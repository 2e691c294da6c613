// Small shared key-value state (auth cache now; counters and more later). Redis when REDIS_URL is
// set so every instance sees the same values; an in-process map otherwise (single instance).
import "server-only";
import { logger } from "@/lib/observability/logger";
import { env } from "@/lib/env";
import { MemoryKv } from "./kv-memory";
import { RedisKv } from "./kv-redis";

export interface KeyValueStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  /** Without ttlSeconds the key does not expire (and loses any previous TTL), as Redis SET does. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /**
   * Atomically adds `by` and returns the new value. ttlSeconds is applied when the key has no TTL
   * yet (i.e. when the counter is created), so a fixed window is not extended by later increments.
   */
  incrBy(key: string, by: number, ttlSeconds?: number): Promise<number>;
  /** Throws when the store is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface KvGlobal {
  kv?: KeyValueStore;
}
// On globalThis: Next.js may load this module more than once per process, and there must be one
// connection (and, in memory mode, one map) per process.
const GLOBAL_KEY = Symbol.for("helix.store.kv");
function state(): KvGlobal {
  const g = globalThis as unknown as Record<symbol, KvGlobal | undefined>;
  return (g[GLOBAL_KEY] ??= {});
}

/** The process-wide store chosen by REDIS_URL. */
export function getKv(): KeyValueStore {
  const s = state();
  if (!s.kv) {
    const url = env().REDIS_URL;
    s.kv = url
      ? new RedisKv({ url, onError: (m) => logger().warn({ component: "redis" }, m) })
      : new MemoryKv();
  }
  return s.kv;
}

/** Graceful shutdown (and tests): closes the shared store; the next getKv() makes a new one. */
export async function closeKv(): Promise<void> {
  const s = state();
  const kv = s.kv;
  s.kv = undefined;
  await kv?.close();
}
