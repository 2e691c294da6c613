import "server-only";
import type { RedisKv } from "@/lib/store/kv-redis";
import type { CachedAnswer } from "./cached-answer";
import { matchesFilter, readAnswer, type AnswerFilter, type AnswerStore } from "./answer-store";

const PREFIX = "helix:exact:";

/**
 * Answers in Redis as `helix:exact:<hash>` strings with a TTL, shared by every instance. Memory is
 * bounded by Redis itself (maxmemory + allkeys-lru, deploy/redis/redis.conf).
 */
export class RedisAnswerStore implements AnswerStore {
  readonly kind = "redis" as const;

  constructor(private readonly kv: RedisKv) {}

  async get(hash: string): Promise<CachedAnswer | undefined> {
    const json = await this.kv.get(PREFIX + hash);
    return json === null ? undefined : readAnswer(json);
  }

  async set(hash: string, answer: CachedAnswer, ttlSeconds: number): Promise<void> {
    await this.kv.set(PREFIX + hash, JSON.stringify(answer), ttlSeconds);
  }

  async delete(filter: AnswerFilter): Promise<number> {
    let n = 0;
    const hashes = filter.hashes ?? [];
    if (hashes.length > 0) n += await this.kv.use("UNLINK", (r) => r.unlink(...hashes.map((h) => PREFIX + h)));
    if (!(filter.all || filter.model !== undefined || filter.tenant !== undefined)) return n;
    // Invalidation by model or tenant is an admin action: a SCAN over the entries is acceptable.
    await this.scan(500, async (keys) => {
      let doomed = keys;
      if (!filter.all) {
        const values = await this.kv.use("MGET", (r) => r.mget(...keys));
        doomed = keys.filter((_, i) => {
          const v = values[i];
          return v !== null && matchesFilter(JSON.parse(v) as CachedAnswer, filter);
        });
      }
      if (doomed.length > 0) n += await this.kv.use("UNLINK", (r) => r.unlink(...doomed));
    });
    return n;
  }

  async stats(): Promise<{ entries: number }> {
    let entries = 0;
    await this.scan(1000, async (keys) => {
      entries += keys.length;
    });
    return { entries };
  }

  private async scan(count: number, each: (keys: string[]) => Promise<void>): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.kv.use("SCAN", (r) => r.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", count));
      cursor = next;
      if (keys.length > 0) await each(keys);
    } while (cursor !== "0");
  }
}
