// Against the real Redis (TEST_REDIS_URL): two RedisKv clients under one random key prefix act as
// two gateway instances sharing one Redis. Time comes from an injected clock, never from waiting.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_REDIS_URL } from "@/test/support/services";
import { setClockForTests } from "@/lib/cost/clock";
import { RateLimitError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { RedisKv } from "@/lib/store/kv-redis";
import { evaluateWindow, windowStart, WINDOW_MS, type CheckResult } from "./limiter";
import { RATE_LIMIT_KEY_PREFIX, RedisRateLimiter } from "./limiter-redis";
import { checkRateLimits, resetRateLimitsForTests, settleTokens, type ScopeRateLimit } from "./rate-limits";

const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
const opened: RedisKv[] = [];
function open(opts: Partial<ConstructorParameters<typeof RedisKv>[0]> = {}): RedisKv {
  const kv = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix, ...opts });
  opened.push(kv);
  return kv;
}

const kvA = open();
const kvB = open();
const instanceA = new RedisRateLimiter(kvA);
const instanceB = new RedisRateLimiter(kvB);

// A minute boundary far from the real time (counters are named by window, so runs never collide).
const T0 = 1_900_000_000_000 - (1_900_000_000_000 % WINDOW_MS);
const at = (seconds: number) => T0 + seconds * 1000;
/** A fresh id per test, so tests never share counters. */
const fresh = (name: string) => `${name}_${randomBytes(4).toString("hex")}`;

/** Redis Cluster's hash tag rule: the part between the first "{" and the next "}", if not empty. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  if (open < 0) return key;
  const close = key.indexOf("}", open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

async function rejection(p: Promise<unknown>): Promise<RateLimitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RateLimitError)) throw new Error(`expected a RateLimitError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  await Promise.all([kvA.ping(), kvB.ping()]);
});
afterEach(() => {
  setClockForTests(undefined);
  resetRateLimitsForTests();
  vi.restoreAllMocks();
});
afterAll(async () => {
  const cleaner = open({ keyPrefix: undefined });
  await cleaner.ping();
  const keys = await cleaner.client.keys(`${prefix}*`);
  if (keys.length) await cleaner.client.del(...keys);
  await Promise.all(opened.map((k) => k.close()));
});

describe("RedisRateLimiter across two instances", () => {
  it("enforces 5 rpm across both: the 6th request is denied wherever it lands", async () => {
    const limits: ScopeRateLimit[] = [{ scope: "key", id: fresh("key"), rpm: 5 }];
    setClockForTests(at(20));
    for (let i = 0; i < 5; i++) {
      const limiter = i % 2 === 0 ? instanceA : instanceB;
      await expect(checkRateLimits({ limits, estimatedTokens: 0 }, { limiter })).resolves.toMatchObject({ entries: [{ remaining: 4 - i }] });
    }
    for (const limiter of [instanceA, instanceB]) {
      const err = await rejection(checkRateLimits({ limits, estimatedTokens: 0 }, { limiter }));
      expect(err.status).toBe(429);
      expect(err.message).toMatch(/^Rate limit exceeded for key 'key_[0-9a-f]+': 5 requests per minute\. Retry after \d+ s\.$/);
      const retry = Number(err.headers["retry-after"]);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
    }
  });

  it("admits exactly the limit under concurrent requests from both instances", async () => {
    const key = `key:${fresh("k")}:rpm`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? instanceA : instanceB).check([{ key, limit: 5, cost: 1 }], at(5))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("slides with the injected clock and answers a retry-after that is exact", async () => {
    const key = `key:${fresh("k")}:rpm`;
    const entry = { key, limit: 4, cost: 1 };
    for (let i = 0; i < 4; i++) expect((await instanceA.check([entry], at(30 + i))).allowed).toBe(true);
    const denied = await instanceB.check([entry], at(40));
    expect(denied.allowed).toBe(false);
    if (denied.allowed) throw new Error("unreachable");
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);
    // Not a millisecond earlier, and then on the other instance.
    expect((await instanceA.check([entry], at(40) + denied.retryAfterMs - 1)).allowed).toBe(false);
    expect((await instanceA.check([entry], at(40) + denied.retryAfterMs)).allowed).toBe(true);
    // Two windows later the first burst is gone entirely.
    for (let i = 0; i < 4; i++) expect((await instanceB.check([entry], at(180))).allowed).toBe(true);
  });

  it("enforces tpm and corrects it with the actual usage from either instance", async () => {
    const limits: ScopeRateLimit[] = [
      { scope: "team", id: fresh("team"), tpm: 1_000 },
      { scope: "key", id: fresh("key"), rpm: 100 },
    ];
    setClockForTests(at(10));
    const first = await checkRateLimits({ limits, estimatedTokens: 900 }, { limiter: instanceA });
    const err = await rejection(checkRateLimits({ limits, estimatedTokens: 200 }, { limiter: instanceB }));
    expect(err.message).toMatch(/^Rate limit exceeded for team 'team_[0-9a-f]+': 1000 tokens per minute\./);
    // The response used 150 tokens, not 900: the 750 come back.
    await settleTokens(first, 150, { limiter: instanceB });
    const second = await checkRateLimits({ limits, estimatedTokens: 200 }, { limiter: instanceA });
    expect(second.entries.find((e) => e.kind === "tpm")?.remaining).toBe(650);
    // Over-use is charged too, and a correction never leaves a counter below zero.
    await settleTokens(second, 900, { limiter: instanceA }); // 150 + 900 = 1050 > 1000
    await expect(checkRateLimits({ limits, estimatedTokens: 1 }, { limiter: instanceB })).rejects.toBeInstanceOf(RateLimitError);
    await instanceA.adjust({ key: first.entries[0].key, windowStartMs: first.entries[0].windowStartMs }, -1_000_000);
    const counter = await kvA.client.hget(instanceA.counterKey(first.entries[0].key, windowStart(at(10))), "n");
    expect(counter).toBe("0");
  });

  it("runs one script whose keys all share one hash tag (Redis Cluster)", async () => {
    const evalsha = vi.spyOn(kvA.client, "evalsha");
    setClockForTests(at(12));
    const admission = await checkRateLimits(
      {
        limits: [
          { scope: "key", id: fresh("key"), rpm: 10, tpm: 10_000 },
          { scope: "user", id: "{tricky}:user", rpm: 10, tpm: 10_000 },
          { scope: "team", id: fresh("team"), rpm: 10, tpm: 10_000 },
        ],
        estimatedTokens: 100,
      },
      { limiter: instanceA },
    );
    await settleTokens(admission, 40, { limiter: instanceA });
    expect(evalsha).toHaveBeenCalledTimes(4); // one check, three tpm corrections
    for (const call of evalsha.mock.calls) {
      const args = call.slice(1) as (string | number)[];
      const numKeys = Number(args[0]);
      const keys = args.slice(1, 1 + numKeys).map(String);
      expect(keys.length).toBeGreaterThan(0);
      // As they reach Redis: with the client's key prefix in front.
      const tags = new Set(keys.map((k) => hashTag(prefix + k)));
      expect([...tags]).toEqual(["rl"]);
      for (const k of keys) expect(k.startsWith(RATE_LIMIT_KEY_PREFIX)).toBe(true);
    }
    expect(evalsha.mock.calls[0][1]).toBe(12); // 6 limits × (previous, current window)
  });

  it("loads the script when the server does not know it (NOSCRIPT)", async () => {
    const noscript = Object.assign(new Error("NOSCRIPT No matching script. Please use EVAL."), { name: "ReplyError" });
    vi.spyOn(kvB.client, "evalsha").mockRejectedValueOnce(noscript);
    const result = await instanceB.check([{ key: `key:${fresh("k")}:rpm`, limit: 3, cost: 1 }], at(1));
    expect(result).toEqual({ allowed: true, windowStartMs: T0, remaining: [2] });
  });

  it("decides exactly as evaluateWindow() does (the Lua mirrors the TypeScript)", async () => {
    // Deterministic pseudo-random cases over counts, last-charge times, costs and limits.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const outcomes = new Set<boolean>();
    for (let i = 0; i < 60; i++) {
      const key = `key:${fresh("mirror")}:tpm`;
      const now = at(60 + rnd(60_000) / 1000);
      const start = windowStart(now);
      const limit = 1 + rnd(50);
      const counts = {
        previous: rnd(80),
        previousLastMs: rnd(4) === 0 ? undefined : start - WINDOW_MS + rnd(WINDOW_MS),
        current: rnd(3) === 0 ? 0 : rnd(60),
        currentLastMs: rnd(4) === 0 ? undefined : start + rnd(now - start + 1),
      };
      const cost = rnd(70);
      const seedWindow = async (windowAt: number, n: number, t: number | undefined) => {
        if (n === 0 && t === undefined) return;
        const k = instanceA.counterKey(key, windowAt);
        await kvA.client.hset(k, "n", n);
        if (t !== undefined) await kvA.client.hset(k, "t", t);
        await kvA.client.pexpire(k, 10 * WINDOW_MS);
      };
      await seedWindow(start - WINDOW_MS, counts.previous, counts.previousLastMs);
      await seedWindow(start, counts.current, counts.currentLastMs);
      const expected = evaluateWindow(counts, cost, limit, now);
      const got: CheckResult = await (i % 2 ? instanceA : instanceB).check([{ key, limit, cost }], now);
      const want: CheckResult = expected.fits
        ? { allowed: true, windowStartMs: start, remaining: [expected.remaining] }
        : { allowed: false, index: 0, retryAfterMs: expected.retryAfterMs };
      expect({ case: i, counts, cost, limit, now, got }).toEqual({ case: i, counts, cost, limit, now, got: want });
      outcomes.add(got.allowed);
    }
    expect([...outcomes].sort()).toEqual([false, true]); // both branches exercised
  });
});

describe("fail open", () => {
  it("admits without limits while Redis is unreachable, warns once, and never throws", async () => {
    const down = open({ url: "redis://127.0.0.1:1", startupWaitMs: 50, commandTimeoutMs: 200 });
    const limiter = new RedisRateLimiter(down);
    const warn = vi.spyOn(logger(), "warn").mockImplementation(() => undefined);
    setClockForTests(at(1));
    const limits: ScopeRateLimit[] = [{ scope: "key", id: "k", rpm: 1, tpm: 10 }];
    for (let i = 0; i < 3; i++) {
      await expect(checkRateLimits({ limits, estimatedTokens: 100 }, { limiter })).resolves.toEqual({ entries: [], failedOpen: true });
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][1])).toMatch(/Rate limits unavailable .*127\.0\.0\.1:1/);
    // An admission made while Redis was up is settled without an error when it is down.
    const admitted = await checkRateLimits({ limits: [{ scope: "key", id: fresh("k"), tpm: 1_000 }], estimatedTokens: 10 }, { limiter: instanceA });
    await expect(settleTokens(admitted, 20, { limiter })).resolves.toBeUndefined();
  });
});
