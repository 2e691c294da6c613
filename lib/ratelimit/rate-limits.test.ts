import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setClockForTests } from "@/lib/cost/clock";
import { RateLimitError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { KvUnavailableError } from "@/lib/store/kv-redis";
import { WINDOW_MS, type ChargedEntry, type CheckResult, type LimitEntry, type RateLimiter } from "./limiter";
import { MemoryRateLimiter } from "./limiter-memory";
import { RedisRateLimiter } from "./limiter-redis";
import { checkRateLimits, defaultLimiter, rateLimitHeaders, rateLimitsOf, resetRateLimitsForTests, settleTokens } from "./rate-limits";

// getKv() as configured, unless a test puts another store in its place.
const kvOverride = vi.hoisted(() => ({ current: undefined as unknown }));
vi.mock("@/lib/store/kv", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/store/kv")>();
  return { ...real, getKv: () => kvOverride.current ?? real.getKv() };
});

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % WINDOW_MS);

/** Records every call; answers from a memory limiter, or fails like an unreachable Redis. */
class SpyLimiter implements RateLimiter {
  readonly kind = "memory" as const;
  checks: LimitEntry[][] = [];
  adjusts: [ChargedEntry, number][] = [];
  private readonly inner = new MemoryRateLimiter();
  constructor(private readonly fail = false) {}
  async check(entries: LimitEntry[], now: number): Promise<CheckResult> {
    this.checks.push(entries);
    if (this.fail) throw new KvUnavailableError("Redis at redis://127.0.0.1:1 is unavailable (connecting)");
    return this.inner.check(entries, now);
  }
  async adjust(entry: ChargedEntry, delta: number): Promise<void> {
    this.adjusts.push([entry, delta]);
    if (this.fail) throw new KvUnavailableError("down");
    return this.inner.adjust(entry, delta);
  }
}

async function rejection(p: Promise<unknown>): Promise<RateLimitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RateLimitError)) throw new Error(`expected a RateLimitError, got ${String(err)}`);
  return err;
}

beforeEach(() => {
  resetRateLimitsForTests();
  setClockForTests(T0 + 3_000);
});
afterEach(() => {
  kvOverride.current = undefined;
  setClockForTests(undefined);
  vi.restoreAllMocks();
});

describe("checkRateLimits", () => {
  it("does no I/O when no scope has a limit", async () => {
    const limiter = new SpyLimiter();
    const admission = await checkRateLimits({ limits: [{ scope: "key", id: "k" }, { scope: "team", id: "t", rpm: null }], estimatedTokens: 500 }, { limiter });
    expect(admission).toEqual({ entries: [] });
    expect(limiter.checks).toEqual([]);
    await settleTokens(admission, 123, { limiter });
    expect(limiter.adjusts).toEqual([]);
  });

  it("counts one request and the token estimate against every limit at once", async () => {
    const limiter = new SpyLimiter();
    const admission = await checkRateLimits(
      {
        limits: [
          { scope: "key", id: "key_abc", rpm: 10, tpm: 1_000 },
          { scope: "user", id: "u 1", rpm: 50 },
          { scope: "team", id: "t", tpm: 5_000 },
        ],
        estimatedTokens: 120.4,
      },
      { limiter },
    );
    expect(limiter.checks[0]).toEqual([
      { key: "key:key_abc:rpm", limit: 10, cost: 1 },
      { key: "key:key_abc:tpm", limit: 1_000, cost: 121 },
      { key: "user:u%201:rpm", limit: 50, cost: 1 },
      { key: "team:t:tpm", limit: 5_000, cost: 121 },
    ]);
    expect(admission.entries.map((e) => [e.scope, e.kind, e.remaining, e.windowStartMs])).toEqual([
      ["key", "rpm", 9, T0],
      ["key", "tpm", 879, T0],
      ["user", "rpm", 49, T0],
      ["team", "tpm", 4_879, T0],
    ]);
    expect(rateLimitHeaders(admission)).toEqual({
      "x-ratelimit-limit-requests": "10",
      "x-ratelimit-remaining-requests": "9",
      "x-ratelimit-limit-tokens": "1000",
      "x-ratelimit-remaining-tokens": "879",
    });
  });

  it("counts a scope listed twice once, under the tighter limit", async () => {
    const limiter = new SpyLimiter();
    await checkRateLimits(
      {
        limits: [
          { scope: "team", id: "t", rpm: 100 },
          { scope: "team", id: "t", rpm: 20, tpm: 7 },
        ],
        estimatedTokens: 3,
      },
      { limiter },
    );
    expect(limiter.checks[0]).toEqual([
      { key: "team:t:rpm", limit: 20, cost: 1 },
      { key: "team:t:tpm", limit: 7, cost: 3 },
    ]);
  });

  it("refuses with a 429 naming the scope, the limit and the wait", async () => {
    const limiter = new SpyLimiter();
    const input = { limits: [{ scope: "key" as const, id: "key_abc", rpm: 10 }], estimatedTokens: 0 };
    for (let i = 0; i < 10; i++) await checkRateLimits(input, { limiter });
    const err = await rejection(checkRateLimits(input, { limiter }));
    // All 10 at 3 s into this window: they leave the sliding minute at 63 s, 60 s from now (the
    // decay alone, 10 × weight + 1 ≤ 10, would say 6 s into the next window: 63 s).
    expect(err.status).toBe(429);
    expect(err.code).toBe("rate_limit_exceeded");
    expect(err.message).toBe("Rate limit exceeded for key 'key_abc': 10 requests per minute. Retry after 60 s.");
    expect(err.headers["retry-after"]).toBe("60");
    expect(err.headers["x-ratelimit-remaining-requests"]).toBe("0");
  });

  it("names the token limit and the scope that refused", async () => {
    const limiter = new SpyLimiter();
    const limits = [
      { scope: "key" as const, id: "k", rpm: 100, tpm: 100_000 },
      { scope: "team" as const, id: "team_x", tpm: 1_000 },
    ];
    await checkRateLimits({ limits, estimatedTokens: 900 }, { limiter });
    const err = await rejection(checkRateLimits({ limits, estimatedTokens: 200 }, { limiter }));
    expect(err.message).toMatch(/^Rate limit exceeded for team 'team_x': 1000 tokens per minute\. Retry after \d+ s\.$/);
    expect(Number(err.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("a limit of 0 refuses every request without asking the store", async () => {
    const limiter = new SpyLimiter();
    const err = await rejection(checkRateLimits({ limits: [{ scope: "user", id: "u", rpm: 0 }], estimatedTokens: 1 }, { limiter }));
    expect(err.message).toBe("Rate limit exceeded for user 'u': 0 requests per minute. Requests are blocked for this user.");
    expect(limiter.checks).toEqual([]);
  });

  it("uses the shared clock: the window slides as time moves", async () => {
    const input = { limits: [{ scope: "key" as const, id: "k", rpm: 2 }], estimatedTokens: 0 };
    await checkRateLimits(input);
    await checkRateLimits(input);
    await expect(checkRateLimits(input)).rejects.toBeInstanceOf(RateLimitError);
    setClockForTests(T0 + 2 * WINDOW_MS + 3_000);
    await expect(checkRateLimits(input)).resolves.toMatchObject({ entries: [{ kind: "rpm" }] });
  });

  it.skipIf(Boolean(process.env.REDIS_URL))("is in-process (memory) without REDIS_URL", () => {
    expect(defaultLimiter().kind).toBe("memory");
    expect(defaultLimiter()).toBe(defaultLimiter());
  });

  it("uses the Redis limiter on the shared connection when the store is Redis", async () => {
    const use = vi.fn(async () => {
      throw new KvUnavailableError("Redis at redis://cache:6379 is unavailable (reconnecting)");
    });
    const fakeRedisKv = { kind: "redis", use };
    kvOverride.current = fakeRedisKv;
    const limiter = defaultLimiter();
    expect(limiter).toBeInstanceOf(RedisRateLimiter);
    expect(defaultLimiter()).toBe(limiter);
    vi.spyOn(logger(), "warn").mockImplementation(() => undefined);
    const admission = await checkRateLimits({ limits: [{ scope: "key", id: "k", rpm: 5 }], estimatedTokens: 0 });
    expect(use).toHaveBeenCalledTimes(1);
    expect(admission).toEqual({ entries: [], failedOpen: true });
  });

  it("fails open while the store is unreachable, with one warning per minute", async () => {
    const warn = vi.spyOn(logger(), "warn").mockImplementation(() => undefined);
    const limiter = new SpyLimiter(true);
    const input = { limits: [{ scope: "key" as const, id: "k", rpm: 1 }], estimatedTokens: 10 };
    for (let i = 0; i < 3; i++) expect(await checkRateLimits(input, { limiter })).toEqual({ entries: [], failedOpen: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][1])).toContain("Rate limits unavailable");
    setClockForTests(T0 + 3_000 + 61_000);
    await checkRateLimits(input, { limiter });
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe("rateLimitsOf", () => {
  it("takes the rpm/tpm of the budgets that carry any", () => {
    expect(
      rateLimitsOf([
        { scope: "key", scopeId: "k", rpm: 10 },
        { scope: "user", scopeId: "u" },
        { scope: "team", scopeId: "t", tpm: 5_000 },
      ]),
    ).toEqual([
      { scope: "key", id: "k", rpm: 10, tpm: undefined },
      { scope: "team", id: "t", rpm: undefined, tpm: 5_000 },
    ]);
  });
});

describe("settleTokens", () => {
  it("replaces the estimate with the actual tokens on the tpm counters only", async () => {
    const limiter = new SpyLimiter();
    const limits = [{ scope: "key" as const, id: "k", rpm: 10, tpm: 1_000 }];
    const admission = await checkRateLimits({ limits, estimatedTokens: 900 }, { limiter });
    await expect(checkRateLimits({ limits, estimatedTokens: 200 }, { limiter })).rejects.toBeInstanceOf(RateLimitError);
    await settleTokens(admission, 100, { limiter });
    expect(limiter.adjusts).toEqual([[{ key: "key:k:tpm", windowStartMs: T0 }, -800]]);
    await expect(checkRateLimits({ limits, estimatedTokens: 200 }, { limiter })).resolves.toMatchObject({ entries: [{}, { remaining: 700 }] });
  });

  it("does nothing when the estimate was exact, and never throws", async () => {
    const limiter = new SpyLimiter();
    const admission = await checkRateLimits({ limits: [{ scope: "key", id: "k", tpm: 1_000 }], estimatedTokens: 50 }, { limiter });
    await settleTokens(admission, 50, { limiter });
    expect(limiter.adjusts).toEqual([]);
    vi.spyOn(logger(), "warn").mockImplementation(() => undefined);
    await expect(settleTokens(admission, 10, { limiter: new SpyLimiter(true) })).resolves.toBeUndefined();
  });
});
