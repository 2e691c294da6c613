// Budget counters in Redis, shared by every gateway instance. Each operation is one Lua script,
// so reserve's check-then-reserve across all of a request's budgets is atomic. Per counter:
//   <key>      hash: spent, reserved (sum of live reservations), r:<requestId> → amount
//   <key>:res  sorted set: requestId scored by its reservation's expiry (ms)
// Every key contains the hash tag {budget}, so all keys of a script hash to one slot and the same
// scripts run on Redis Cluster.
import "server-only";
import { createHash } from "node:crypto";
import type { RedisKv } from "@/lib/store/kv-redis";
import type { BudgetCounters, CounterEntry, CounterState, ReserveResult, SettleResult, SettledState } from "./budget-counters";

// Shared Lua: purge expired reservations of counter i (hash h, zset z) at `now`.
const PURGE = `
local function purge(h, z, now)
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, rid in ipairs(expired) do
    local amt = tonumber(redis.call('HGET', h, 'r:' .. rid) or '0')
    redis.call('HDEL', h, 'r:' .. rid)
    redis.call('HINCRBY', h, 'reserved', -amt)
    redis.call('ZREM', z, rid)
  end
end
local function drop(h, z, id)
  local prev = redis.call('HGET', h, 'r:' .. id)
  if prev then
    redis.call('HDEL', h, 'r:' .. id)
    redis.call('HINCRBY', h, 'reserved', -tonumber(prev))
  end
  redis.call('ZREM', z, id)
end
local function missing(n)
  local m = {}
  for i = 1, n do
    if redis.call('HEXISTS', KEYS[2 * i - 1], 'spent') == 0 then m[#m + 1] = i - 1 end
  end
  return m
end
`;

// KEYS: h1 z1 h2 z2 …; ARGV: now, requestId, estimate, reservationTtlMs, then per entry: limit (-1 = none), hard (1/0), ttlMs
const RESERVE = `${PURGE}
local now = tonumber(ARGV[1]); local id = ARGV[2]; local est = tonumber(ARGV[3]); local rttl = tonumber(ARGV[4])
local n = #KEYS / 2
local m = missing(n)
if #m > 0 then return {'missing', m} end
local spent, reserved = {}, {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z, now)
  drop(h, z, id)
  spent[i] = tonumber(redis.call('HGET', h, 'spent') or '0')
  reserved[i] = tonumber(redis.call('HGET', h, 'reserved') or '0')
end
for i = 1, n do
  local limit = tonumber(ARGV[4 + 3 * (i - 1) + 1]); local hard = ARGV[4 + 3 * (i - 1) + 2] == '1'
  if hard and limit >= 0 and spent[i] + reserved[i] >= limit then return {'denied', i - 1, spent, reserved} end
end
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local ttl = tonumber(ARGV[4 + 3 * (i - 1) + 3])
  redis.call('HSET', h, 'r:' .. id, est)
  reserved[i] = redis.call('HINCRBY', h, 'reserved', est)
  redis.call('ZADD', z, now + rttl, id)
  redis.call('PEXPIRE', h, ttl)
  redis.call('PEXPIRE', z, ttl)
end
return {'ok', spent, reserved}`;

// KEYS as above; ARGV: now, requestId, actual, then per entry: ttlMs
const SETTLE = `${PURGE}
local now = tonumber(ARGV[1]); local id = ARGV[2]; local actual = tonumber(ARGV[3])
local n = #KEYS / 2
local m = missing(n)
if #m > 0 then return {'missing', m} end
local before, after, reserved = {}, {}, {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z, now)
  drop(h, z, id)
  before[i] = tonumber(redis.call('HGET', h, 'spent') or '0')
  after[i] = redis.call('HINCRBY', h, 'spent', actual)
  reserved[i] = tonumber(redis.call('HGET', h, 'reserved') or '0')
  redis.call('PEXPIRE', h, tonumber(ARGV[3 + i]))
  redis.call('PEXPIRE', z, tonumber(ARGV[3 + i]))
end
return {'ok', before, after, reserved}`;

// KEYS as above; ARGV: now, requestId
const RELEASE = `${PURGE}
local n = #KEYS / 2
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('EXISTS', h) == 1 then
    purge(h, z, tonumber(ARGV[1]))
    drop(h, z, ARGV[2])
  end
end
return 1`;

// KEYS as above; ARGV: now. Per entry {exists, spent, reserved}.
const READ = `${PURGE}
local n = #KEYS / 2
local out = {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('HEXISTS', h, 'spent') == 0 then
    out[i] = {0, 0, 0}
  else
    purge(h, z, tonumber(ARGV[1]))
    out[i] = {1, tonumber(redis.call('HGET', h, 'spent')), tonumber(redis.call('HGET', h, 'reserved') or '0')}
  end
end
return out`;

// KEYS: h; ARGV: spent, ttlMs
const SEED = `if redis.call('HSETNX', KEYS[1], 'spent', ARGV[1]) == 1 then
  redis.call('HSETNX', KEYS[1], 'reserved', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

type Reply = [string, ...unknown[]];
const nums = (v: unknown): number[] => (v as (number | string)[]).map(Number);

export class RedisBudgetCounters implements BudgetCounters {
  readonly kind = "redis" as const;

  constructor(private readonly kv: RedisKv) {}

  async reserve(requestId: string, entries: CounterEntry[], estimateMicros: number, reservationTtlMs: number, now: number): Promise<ReserveResult> {
    if (entries.length === 0) return { status: "ok", states: [] };
    const args: (string | number)[] = [now, requestId, int(estimateMicros), Math.max(1, Math.ceil(reservationTtlMs))];
    for (const e of entries) args.push(e.limitMicros === undefined ? -1 : int(e.limitMicros), e.hard ? 1 : 0, ttl(e));
    const r = (await this.eval("budget reserve", RESERVE, entries, args)) as Reply;
    if (r[0] === "missing") return { status: "missing", missing: nums(r[1]) };
    if (r[0] === "denied") return { status: "denied", index: Number(r[1]), states: zip(nums(r[2]), nums(r[3])) };
    return { status: "ok", states: zip(nums(r[1]), nums(r[2])) };
  }

  async settle(requestId: string, entries: CounterEntry[], actualMicros: number, now: number): Promise<SettleResult> {
    if (entries.length === 0) return { status: "ok", states: [] };
    const args: (string | number)[] = [now, requestId, int(actualMicros), ...entries.map(ttl)];
    const r = (await this.eval("budget settle", SETTLE, entries, args)) as Reply;
    if (r[0] === "missing") return { status: "missing", missing: nums(r[1]) };
    const before = nums(r[1]);
    const after = nums(r[2]);
    const reserved = nums(r[3]);
    return { status: "ok", states: before.map((b, i): SettledState => ({ spentBeforeMicros: b, spentMicros: after[i], reservedMicros: reserved[i] })) };
  }

  async release(requestId: string, entries: CounterEntry[], now: number): Promise<void> {
    if (entries.length === 0) return;
    await this.eval("budget release", RELEASE, entries, [now, requestId]);
  }

  async read(entries: CounterEntry[], now: number): Promise<(CounterState | null)[]> {
    if (entries.length === 0) return [];
    const r = (await this.eval("budget read", READ, entries, [now])) as unknown[][];
    return r.map((row) => {
      const [exists, spent, reserved] = nums(row);
      return exists ? { spentMicros: spent, reservedMicros: reserved } : null;
    });
  }

  async seed(entry: CounterEntry, spentMicros: number): Promise<void> {
    await this.run("budget seed", SEED, [entry.counterKey], [int(spentMicros), ttl(entry)]);
  }

  private eval(command: string, script: string, entries: CounterEntry[], args: (string | number)[]): Promise<unknown> {
    const keys = entries.flatMap((e) => [e.counterKey, `${e.counterKey}:res`]);
    return this.run(command, script, keys, args);
  }

  /** EVALSHA (the script's text is sent only once per server), EVAL when the server does not know it yet. */
  private run(command: string, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const sha = sha1(script);
    return this.kv.use(command, async (c) => {
      try {
        return await c.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return c.eval(script, keys.length, ...keys, ...args);
        throw err;
      }
    });
  }
}

const shas = new Map<string, string>();
function sha1(script: string): string {
  let s = shas.get(script);
  if (!s) shas.set(script, (s = createHash("sha1").update(script).digest("hex")));
  return s;
}

/** A non-negative whole number of micro-USD (NaN and negatives count as 0). */
function int(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0;
}

function ttl(e: CounterEntry): number {
  return Math.max(1_000, Math.ceil(e.ttlMs));
}

function zip(spent: number[], reserved: number[]): CounterState[] {
  return spent.map((s, i) => ({ spentMicros: s, reservedMicros: reserved[i] }));
}
