// In-process KeyValueStore for the embedded (single-instance) mode and tests. Same semantics as the
// Redis one: string values, TTL in seconds, integer counters.
import "server-only";
import type { KeyValueStore } from "./kv";

interface Entry {
  value: string;
  /** epoch ms; undefined = no expiry */
  expiresAt: number | undefined;
}

export interface MemoryKvOptions {
  /** Upper bound on entries; the least recently written ones are evicted beyond it. */
  maxEntries?: number;
  /** Clock for tests. */
  now?: () => number;
  /** How often expired entries are swept (ms); 0 disables the timer (lazy expiry still applies). */
  sweepIntervalMs?: number;
}

export class MemoryKv implements KeyValueStore {
  readonly kind = "memory" as const;
  private readonly map = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(opts: MemoryKvOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 100_000;
    this.now = opts.now ?? Date.now;
    const every = opts.sweepIntervalMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  get size(): number {
    return this.map.size;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.write(key, { value, expiresAt: this.expiry(ttlSeconds) });
  }

  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.map.delete(k);
  }

  async incrBy(key: string, by: number, ttlSeconds?: number): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new Error(`incrBy needs an integer, got ${by}`);
    const cur = this.live(key);
    const base = cur ? Number(cur.value) : 0;
    if (!Number.isSafeInteger(base) || (cur && !/^-?\d+$/.test(cur.value))) {
      throw new Error(`value of '${key}' is not an integer`);
    }
    const next = base + by;
    // Like the Redis script: the TTL is set only when the counter has none.
    const expiresAt = cur?.expiresAt ?? this.expiry(ttlSeconds);
    this.write(key, { value: String(next), expiresAt });
    return next;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.map.clear();
  }

  /** Drops expired entries. */
  sweep(): void {
    const t = this.now();
    for (const [k, e] of this.map) if (e.expiresAt !== undefined && e.expiresAt <= t) this.map.delete(k);
  }

  private expiry(ttlSeconds: number | undefined): number | undefined {
    return ttlSeconds !== undefined && ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : undefined;
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private write(key: string, entry: Entry): void {
    // Re-inserting moves the key to the end, so Map order is "least recently written first".
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) {
      this.sweep();
      while (this.map.size >= this.maxEntries) {
        const oldest = this.map.keys().next().value;
        if (oldest === undefined) break;
        this.map.delete(oldest);
      }
    }
    this.map.set(key, entry);
  }
}
