// Redis rate limiter: the counters every gateway instance shares. One Lua script reads every
// entry's previous and current window, decides, and charges all entries or none, so concurrent
// requests on any number of instances can never overshoot a limit.
//
// Key names: helix:{rl}:<entry key>:<windowStartMs>, e.g. helix:{rl}:key:key_abc:rpm:1767225600000,
// each a hash {n: count, t: last charge ms}.
// Every key carries the hash tag {rl}, so all counters one script touches (key, user and team of a
// request) live in one Cluster slot and the script runs unchanged on Redis Cluster. (The price is
// that all rate-limit counters sit on one Cluster shard; one small script per request is cheap.)
//
// Time: windows are chosen by the caller's clock (nowMs, cost/clock.ts), so tests can move time and
// instances agree as long as their clocks do (NTP; a skew of s seconds shifts a window edge by s).
// Redis TTLs only collect old counters: each window's key lives two windows plus a second.
import "server-only";
import { createHash } from "node:crypto";
import type { RedisKv } from "@/lib/store/kv-redis";
import { windowStart, WINDOW_MS, type ChargedEntry, type CheckResult, type LimitEntry, type RateLimiter } from "./limiter";

/** The prefix of every rate-limit key; `{rl}` is the Redis Cluster hash tag. */
export const RATE_LIMIT_KEY_PREFIX = "helix:{rl}:";

// Each window's counter is a hash: n = count, t = last charge (ms, the caller's clock).
// KEYS: per entry, previous window then current window. ARGV: nowMs, windowMs, windowStartMs,
// ttlMs, then per entry limit and cost. Mirrors evaluateWindow() in limiter.ts expression by
// expression (same doubles, same answers). Returns {1, remaining...} or {0, index (0-based), retryMs}.
export const CHECK_SCRIPT = `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local start = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local n = #KEYS / 2
local remaining = {}
local deniedIndex = -1
local deniedRetry = 0
for i = 1, n do
  local p = redis.call('HMGET', KEYS[2 * i - 1], 'n', 't')
  local c = redis.call('HMGET', KEYS[2 * i], 'n', 't')
  local previous = tonumber(p[1] or '0')
  local previousLast = tonumber(p[2] or start)
  local current = tonumber(c[1] or '0')
  local currentLast = tonumber(c[2] or (start + win))
  local limit = tonumber(ARGV[3 + 2 * i])
  local cost = tonumber(ARGV[4 + 2 * i])
  local need = math.min(cost, limit)
  local weight = (win - (now - start)) / win
  local previousShare = previous * weight
  if now - win >= previousLast then previousShare = 0 end
  local estimate = previousShare + current
  if estimate + need <= limit then
    remaining[i] = math.max(0, math.floor(limit - estimate - need))
  else
    local at
    local room = limit - need - current
    if room >= 0 and previous > 0 then
      at = math.min(start + win - (win * room) / previous, previousLast + win)
    else
      at = math.max(start + 2 * win - (win * (limit - need)) / math.max(current, 1), start + win)
      at = math.min(at, currentLast + win)
    end
    local retry = math.max(1, math.ceil(at - now))
    if deniedIndex < 0 or retry > deniedRetry then
      deniedIndex = i - 1
      deniedRetry = retry
    end
  end
end
if deniedIndex >= 0 then
  return {0, deniedIndex, deniedRetry}
end
for i = 1, n do
  local cost = tonumber(ARGV[4 + 2 * i])
  if cost > 0 then
    local k = KEYS[2 * i]
    redis.call('HINCRBY', k, 'n', ARGV[4 + 2 * i])
    local last = tonumber(redis.call('HGET', k, 't') or '0')
    if now > last then redis.call('HSET', k, 't', ARGV[1]) end
    redis.call('PEXPIRE', k, ttl)
  end
end
local reply = {1}
for i = 1, n do reply[i + 1] = remaining[i] end
return reply
`;

// KEYS[1]: a window counter. ARGV: delta, ttlMs. Never creates a counter to subtract from, never
// leaves one below zero, never moves its last-charge time. Returns the new count.
export const ADJUST_SCRIPT = `
local d = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 and d <= 0 then return 0 end
local v = redis.call('HINCRBY', KEYS[1], 'n', ARGV[1])
if v < 0 then
  redis.call('HSET', KEYS[1], 'n', 0)
  v = 0
end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`;

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const CHECK_SHA = sha1(CHECK_SCRIPT);
const ADJUST_SHA = sha1(ADJUST_SCRIPT);

export interface RedisRateLimiterOptions {
  windowMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  readonly kind = "redis" as const;
  private readonly windowMs: number;

  constructor(
    private readonly kv: RedisKv,
    opts: RedisRateLimiterOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? WINDOW_MS;
  }

  /** The Redis key of one entry's counter in the window starting at `start`. */
  counterKey(key: string, start: number): string {
    return `${RATE_LIMIT_KEY_PREFIX}${key}:${start}`;
  }

  async check(entries: LimitEntry[], nowMs: number): Promise<CheckResult> {
    const start = windowStart(nowMs, this.windowMs);
    if (entries.length === 0) return { allowed: true, windowStartMs: start, remaining: [] };
    const keys: string[] = [];
    const args: (string | number)[] = [nowMs, this.windowMs, start, this.ttlMs()];
    for (const e of entries) {
      keys.push(this.counterKey(e.key, start - this.windowMs), this.counterKey(e.key, start));
      args.push(e.limit, e.cost);
    }
    const reply = (await this.run("rate-limit check", CHECK_SHA, CHECK_SCRIPT, keys, args)) as number[];
    if (Number(reply[0]) === 1) {
      return { allowed: true, windowStartMs: start, remaining: reply.slice(1).map(Number) };
    }
    return { allowed: false, index: Number(reply[1]), retryAfterMs: Math.max(1, Number(reply[2])) };
  }

  async adjust(entry: ChargedEntry, delta: number): Promise<void> {
    const d = Math.round(delta);
    if (!d) return;
    await this.run("rate-limit adjust", ADJUST_SHA, ADJUST_SCRIPT, [this.counterKey(entry.key, entry.windowStartMs)], [d, this.ttlMs()]);
  }

  private ttlMs(): number {
    return 2 * this.windowMs + 1_000;
  }

  /** EVALSHA, loading the script with EVAL the first time a server has not seen it. */
  private run(command: string, sha: string, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.kv.use(command, async (client) => {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return client.eval(script, keys.length, ...keys, ...args);
        throw err;
      }
    });
  }
}
