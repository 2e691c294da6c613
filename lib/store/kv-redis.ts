// Redis-backed KeyValueStore (REDIS_URL), shared by every gateway instance. Built to degrade, not
// hang: while Redis is down, commands fail fast with KvUnavailableError and the client keeps
// reconnecting in the background with capped backoff.
import "server-only";
import { Redis } from "ioredis";
import { ServiceUnavailableError } from "@/lib/errors";
import type { KeyValueStore } from "./kv";

/** A KV command could not be served; a 503 if it ever reaches a client. */
export class KvUnavailableError extends ServiceUnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "KvUnavailableError";
  }
}

export interface RedisKvOptions {
  url: string;
  /** Prefix for every key (tests; sharing one Redis between deployments). */
  keyPrefix?: string;
  /** Per-command timeout (a connected but unresponsive server). */
  commandTimeoutMs?: number;
  /** How long a command waits for the first connection at start before failing. */
  startupWaitMs?: number;
  /** Called with connection problems, throttled to one message per outage. */
  onError?: (message: string) => void;
}

// INCRBY and set the TTL only when the key has none, atomically (one key: Cluster-safe).
const INCR_WITH_TTL = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 and redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return v`;

export class RedisKv implements KeyValueStore {
  readonly kind = "redis" as const;
  readonly client: Redis;
  private readonly where: string;
  private readonly startupWaitMs: number;
  private readonly createdAt = Date.now();
  private outageReported = false;
  private closed = false;

  constructor(opts: RedisKvOptions) {
    this.where = redactRedisUrl(opts.url);
    this.startupWaitMs = opts.startupWaitMs ?? 3_000;
    this.client = new Redis(opts.url, {
      keyPrefix: opts.keyPrefix,
      lazyConnect: false,
      connectTimeout: 5_000,
      commandTimeout: opts.commandTimeoutMs ?? 2_000,
      // No queue while disconnected: a request must get an answer (or an error) now, and a queued
      // INCRBY replayed minutes later would count twice against a limit.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect forever, backing off to at most 5 s between attempts.
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
    });
    // Without an 'error' listener ioredis would emit an unhandled error and crash the process.
    this.client.on("error", (err: Error) => {
      if (!this.outageReported) {
        this.outageReported = true;
        opts.onError?.(`Redis at ${this.where} is unavailable: ${err.message} (retrying in the background)`);
      }
    });
    this.client.on("ready", () => {
      if (this.outageReported) opts.onError?.(`Redis at ${this.where} is available again`);
      this.outageReported = false;
    });
  }

  async get(key: string): Promise<string | null> {
    return this.run("GET", () => this.client.get(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    await this.run("SET", () =>
      ttlSeconds !== undefined && ttlSeconds > 0
        ? this.client.set(key, value, "EX", Math.ceil(ttlSeconds))
        : this.client.set(key, value),
    );
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.run("DEL", () => this.client.del(...keys));
  }

  async incrBy(key: string, by: number, ttlSeconds?: number): Promise<number> {
    const ttl = ttlSeconds !== undefined && ttlSeconds > 0 ? Math.ceil(ttlSeconds) : 0;
    const v = await this.run("INCRBY", () => this.client.eval(INCR_WITH_TTL, 1, key, by, ttl));
    return Number(v);
  }

  async ping(): Promise<void> {
    await this.run("PING", () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /**
   * Any other command on the shared connection, with the same outage handling as get/set (waits
   * for the first connection, fails fast with KvUnavailableError while Redis is down).
   */
  use<T>(command: string, fn: (client: Redis) => Promise<T>): Promise<T> {
    return this.run(command, () => fn(this.client));
  }

  private async run<T>(command: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new KvUnavailableError(`Redis client for ${this.where} is closed`);
    await this.awaitFirstConnection();
    if (this.client.status !== "ready") {
      throw new KvUnavailableError(`Redis at ${this.where} is unavailable (${this.client.status}); ${command} not executed`);
    }
    try {
      return await fn();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // Redis' own answers (wrong type, script errors) are bugs, not outages: keep them as they are.
      if (err instanceof Error && err.name === "ReplyError") throw err;
      throw new KvUnavailableError(`Redis ${command} failed at ${this.where}: ${msg}`, err);
    }
  }

  // Right after start the connection is still being made; give it a moment instead of failing the
  // first requests. Past that window (or once it has been up) an outage fails fast.
  private async awaitFirstConnection(): Promise<void> {
    const left = this.createdAt + this.startupWaitMs - Date.now();
    if (left <= 0 || this.client.status === "ready") return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, left);
      this.client.once("ready", done);
    });
  }
}

function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== "/" ? u.pathname : ""}`;
  } catch {
    return "<invalid redis url>";
  }
}
