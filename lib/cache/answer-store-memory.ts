import "server-only";
import { LRUCache } from "lru-cache";
import type { CachedAnswer } from "./cached-answer";
import { matchesFilter, readAnswer, type AnswerFilter, type AnswerStore } from "./answer-store";

/**
 * In-process answers: least recently used dropped beyond a byte budget, each with its own TTL.
 * Entries are kept as JSON strings so the budget counts what is really held and a hit can never
 * hand out an object another request could mutate.
 */
export class MemoryAnswerStore implements AnswerStore {
  readonly kind = "memory" as const;
  private readonly lru: LRUCache<string, string>;

  constructor(opts: { maxBytes: number }) {
    this.lru = new LRUCache<string, string>({
      maxSize: opts.maxBytes,
      sizeCalculation: (v, k) => Buffer.byteLength(v) + k.length,
      ttlAutopurge: false,
    });
  }

  async get(hash: string): Promise<CachedAnswer | undefined> {
    const json = this.lru.get(hash);
    return json === undefined ? undefined : readAnswer(json);
  }

  async set(hash: string, answer: CachedAnswer, ttlSeconds: number): Promise<void> {
    this.lru.set(hash, JSON.stringify(answer), { ttl: ttlSeconds * 1000 });
  }

  async delete(filter: AnswerFilter): Promise<number> {
    let n = 0;
    if (filter.hashes) for (const h of filter.hashes) if (this.lru.delete(h)) n++;
    if (filter.all || filter.model !== undefined || filter.tenant !== undefined) {
      for (const [hash, json] of this.lru.entries()) {
        if (matchesFilter(JSON.parse(json) as CachedAnswer, filter) && this.lru.delete(hash)) n++;
      }
    }
    return n;
  }

  async stats(): Promise<{ entries: number; bytes: number }> {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}
