// The Redis budget counters against the shared counter contract on a real Redis (random key
// prefix), and across two clients as two gateway instances would use them.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { RedisKv } from "@/lib/store/kv-redis";
import { TEST_REDIS_URL } from "@/test/support/services";
import type { BudgetCounters } from "./budget-counters";
import { RedisBudgetCounters } from "./budget-counters-redis";
import { counterContract } from "./budget-counters.suite";

const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
const kvA = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
const kvB = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix });
afterAll(async () => {
  const keys = await kvA.client.keys(`${prefix}*`);
  if (keys.length) await kvA.client.del(...keys.map((k) => k.slice(prefix.length)));
  await Promise.all([kvA.close(), kvB.close()]);
});

counterContract("redis", () => new RedisBudgetCounters(kvA));

describe("redis budget counters", () => {
  const T0 = Date.UTC(2026, 10, 29, 12);

  it("keys carry the {budget} hash tag and expire after their TTL window", async () => {
    const c: BudgetCounters = new RedisBudgetCounters(kvA);
    const e = { counterKey: `helix:{budget}:key:${randomBytes(4).toString("hex")}:${T0}`, limitMicros: 100, hard: true, ttlMs: 3_600_000 };
    await c.seed(e, 0, T0);
    await c.reserve("r", [e], 10, 60_000, T0);
    const pttl = await kvA.client.pttl(e.counterKey);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(3_600_000);
    expect(await kvA.client.pttl(`${e.counterKey}:res`)).toBeGreaterThan(0);
    // Every key a script touches carries the one hash tag (one Cluster slot).
    const keys = await kvA.client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(1);
    for (const k of keys) expect(k.slice(prefix.length)).toMatch(/^helix:\{budget\}:/);
  });

  it("two instances (two clients) share one counter", async () => {
    const a: BudgetCounters = new RedisBudgetCounters(kvA);
    const b = new RedisBudgetCounters(kvB);
    const e = { counterKey: `helix:{budget}:team:${randomBytes(4).toString("hex")}:${T0}`, limitMicros: 1_000, hard: true, ttlMs: 3_600_000 };
    await a.seed(e, 0, T0);
    expect((await a.reserve("r1", [e], 900, 60_000, T0)).status).toBe("ok");
    expect((await b.reserve("r2", [e], 200, 60_000, T0)).status).toBe("ok");
    expect((await b.reserve("r3", [e], 1, 60_000, T0)).status).toBe("denied");
    await b.settle("r1", [e], 800, T0);
    expect(await a.read([e], T0)).toEqual([{ spentMicros: 800, reservedMicros: 200 }]);
  });
});

describe("script loading", () => {
  it("falls back to EVAL when the server does not know the script (NOSCRIPT), then uses EVALSHA", async () => {
    const calls: string[] = [];
    let known = false;
    const client = {
      evalsha: async (...args: unknown[]) => {
        calls.push("evalsha");
        if (!known) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
        return kvA.client.evalsha(...(args as [string, number, ...string[]]));
      },
      eval: async (...args: unknown[]) => {
        calls.push("eval");
        known = true;
        return kvA.client.eval(...(args as [string, number, ...string[]]));
      },
    };
    const fakeKv = { use: (_cmd: string, fn: (c: unknown) => Promise<unknown>) => fn(client) } as unknown as RedisKv;
    const c: BudgetCounters = new RedisBudgetCounters(fakeKv);
    const T0 = Date.UTC(2026, 10, 29, 12);
    const e = { counterKey: `helix:{budget}:key:${randomBytes(4).toString("hex")}:${T0}`, limitMicros: 100, hard: true, ttlMs: 3_600_000 };
    await c.seed(e, 5, T0);
    expect(await c.read([e], T0)).toEqual([{ spentMicros: 5, reservedMicros: 0 }]);
    expect(calls).toEqual(["evalsha", "eval", "evalsha"]);
  });
});
