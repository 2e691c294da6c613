import "server-only";
import { getConfig } from "@/lib/config/loader";
import { getKv } from "@/lib/store/kv";
import type { RedisKv } from "@/lib/store/kv-redis";
import type { AnswerStore } from "./answer-store";
import { MemoryAnswerStore } from "./answer-store-memory";
import { RedisAnswerStore } from "./answer-store-redis";

const GLOBAL_KEY = Symbol.for("helix.cache.answerStore");

/** Redis when REDIS_URL is set (shared by every instance), else in-process with a byte budget. */
export function getAnswerStore(): AnswerStore {
  const g = globalThis as unknown as Record<symbol, AnswerStore | undefined>;
  let store = g[GLOBAL_KEY];
  if (!store) {
    const kv = getKv();
    // `kind`, not instanceof: Next.js may load the class twice, once per module instance.
    store =
      kv.kind === "redis"
        ? new RedisAnswerStore(kv as RedisKv)
        : new MemoryAnswerStore({ maxBytes: getConfig().helix_settings.cache.max_memory_bytes });
    g[GLOBAL_KEY] = store;
  }
  return store;
}
