// Budgets on the real services: two gateway instances (two database connections, two Redis
// clients under one random prefix) sharing budgets, against the in-process counters as well.
// Concurrency, a team budget over a key's, the period roll-over at local midnight, expired
// reservations and hydration of missing counters from the usage rollups.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BudgetExceededError } from "@/lib/errors";
import { BudgetStore, type BudgetData } from "@/lib/store/budgets";
import { twoInstances, type TwoInstances } from "@/lib/store/test-support";
import { spendSince } from "@/lib/store/usage-rollups";
import type { BudgetCounters } from "./budget-counters";
import { MemoryBudgetCounters } from "./budget-counters-memory";
import { RedisBudgetCounters } from "./budget-counters-redis";
import { BudgetDefinitions, type BudgetConfig } from "./budget-definitions";
import { BudgetService, type Reservation } from "./budgets";
import { setClockForTests } from "./clock";

let env: TwoInstances;
let storeA: BudgetStore;
beforeAll(async () => {
  env = await twoInstances();
  storeA = new BudgetStore({ db: async () => env.dbA.prisma });
});
afterAll(async () => {
  setClockForTests(undefined);
  await env?.close();
});
afterEach(() => setClockForTests(undefined));

const CONFIG: BudgetConfig = { enabled: true, alert_thresholds: [50, 80, 100] };
const daily = (usd: number, extra: Partial<BudgetData> = {}): BudgetData => ({
  maxBudgetMicros: Math.round(usd * 1_000_000),
  period: "daily",
  periodDays: null,
  timezone: "UTC",
  soft: false,
  alertThresholds: [],
  rpm: null,
  tpm: null,
  anchor: new Date(0),
  ...extra,
});

/** One gateway instance: its own database connection, definitions cache and counters client. */
function instance(which: "A" | "B", counters?: BudgetCounters, opts: { reservationTtlMs?: number } = {}) {
  const db = which === "A" ? env.dbA : env.dbB;
  const kv = which === "A" ? env.kvA : env.kvB;
  const c = counters ?? new RedisBudgetCounters(kv);
  const store = new BudgetStore({ db: async () => db.prisma });
  return new BudgetService({
    counters: () => c,
    definitions: new BudgetDefinitions({ load: () => store.list() }),
    spendSource: (scope, id, since) => spendSince(db.prisma, scope, id, since),
    reservationTtlMs: opts.reservationTtlMs,
  });
}

let n = 0;
const uid = (p: string) => `${p}_${++n}_${Math.random().toString(36).slice(2, 8)}`;

async function hammer(services: BudgetService[], teamId: string) {
  const limit = 10_000; // $0.01
  const estimate = 1_500;
  let denied = 0;
  let admitted = 0;
  let maxActual = 0;
  await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const svc = services[i % services.length];
      const actual = 700 + ((i * 53) % 801); // 700–1500 micro-USD
      maxActual = Math.max(maxActual, actual);
      let r: Reservation;
      try {
        r = await svc.reserve({ requestId: uid("req"), teamId, estimateMicros: estimate, config: CONFIG });
      } catch (err) {
        expect(err).toBeInstanceOf(BudgetExceededError);
        denied++;
        return;
      }
      expect(r.entries).toHaveLength(1);
      admitted++;
      // Some other work happens between reserve and settle.
      await new Promise((resolve) => setTimeout(resolve, i % 7));
      await svc.settle(r, actual);
    }),
  );
  const status = await services[0].status((await services[0].definitions.budgetsFor({ teamId }, CONFIG))[0]);
  return { limit, estimate, denied, admitted, spent: status.spentMicros, reserved: status.reservedMicros };
}

describe("concurrency: a $0.01 daily budget and 100 concurrent requests", () => {
  it("two instances on one Redis overshoot by at most one request's cost", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const teamId = uid("tm");
    await storeA.put("team", teamId, daily(0.01), "test");
    const r = await hammer([instance("A"), instance("B")], teamId);
    expect(r.denied).toBeGreaterThan(0);
    expect(r.admitted).toBeGreaterThanOrEqual(7);
    expect(r.reserved).toBe(0);
    expect(r.spent).toBeLessThanOrEqual(r.limit + r.estimate);
  });

  it("the in-process counters (embedded mode) too", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const teamId = uid("tm");
    await storeA.put("team", teamId, daily(0.01), "test");
    const r = await hammer([instance("A", new MemoryBudgetCounters())], teamId);
    expect(r.denied).toBeGreaterThan(0);
    expect(r.reserved).toBe(0);
    expect(r.spent).toBeLessThanOrEqual(r.limit + r.estimate);
  });
});

describe("scopes", () => {
  it("a team's small budget stops its key although the key's own budget is larger, on both instances", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const keyId = uid("key");
    const teamId = uid("tm");
    await storeA.put("key", keyId, daily(50), "test");
    await storeA.put("team", teamId, daily(0.002), "test");
    const [a, b] = [instance("A"), instance("B")];
    const r = await a.reserve({ requestId: uid("req"), keyId, teamId, estimateMicros: 2_500, config: CONFIG });
    await a.settle(r, 2_100);
    const err = await b.reserve({ requestId: uid("req"), keyId, teamId, estimateMicros: 10, config: CONFIG }).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err.message).toBe(`Budget exceeded for team '${teamId}': spent $0.0021 of $0.002 (daily, resets 2026-11-30T00:00:00.000Z)`);
    // The same key in no team still passes on its own budget.
    await expect(b.reserve({ requestId: uid("req"), keyId, estimateMicros: 10, config: CONFIG })).resolves.toMatchObject({
      usages: [{ scope: "key", spentMicros: 2_100 }],
    });
  });

  it("an edit on one instance is enforced on the other within the refresh interval", async () => {
    let t = Date.parse("2026-11-29T10:00:00Z");
    setClockForTests(() => t);
    const teamId = uid("tm");
    const [a, b] = [instance("A"), instance("B")];
    await storeA.put("team", teamId, daily(1), "test");
    expect((await b.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG })).entries).toHaveLength(1);
    await storeA.put("team", teamId, daily(0), "test");
    a.definitions.invalidate();
    await expect(a.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG })).rejects.toBeInstanceOf(BudgetExceededError);
    t += 5_000;
    await expect(b.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG })).rejects.toBeInstanceOf(BudgetExceededError);
  });
});

describe("periods, reservations and hydration", () => {
  it("denied at 23:59 local time, admitted after midnight in the budget's zone, with the right reset", async () => {
    const teamId = uid("tm");
    await storeA.put("team", teamId, daily(0.01, { timezone: "America/New_York" }), "test");
    const [a, b] = [instance("A"), instance("B")];
    setClockForTests(Date.parse("2026-11-30T04:59:00Z")); // 23:59 EST on Nov 29
    await a.settle(await a.reserve({ requestId: uid("req"), teamId, estimateMicros: 10_000, config: CONFIG }), 10_000);
    const err = await b.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG }).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err.message).toContain("resets 2026-11-30T05:00:00.000Z");
    expect(err.headers["retry-after"]).toBe("60");
    setClockForTests(Date.parse("2026-11-30T05:00:01Z"));
    const r = await b.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG });
    expect(r.usages[0]).toMatchObject({
      spentMicros: 0,
      periodStart: new Date("2026-11-30T05:00:00Z"),
      resetAt: new Date("2026-12-01T05:00:00Z"),
    });
  });

  it("a reservation whose request never settles (crashed instance) is purged after its TTL", async () => {
    let t = Date.parse("2026-11-29T10:00:00Z");
    setClockForTests(() => t);
    const teamId = uid("tm");
    await storeA.put("team", teamId, daily(0.001), "test");
    const crashed = instance("A", undefined, { reservationTtlMs: 60_000 });
    const healthy = instance("B", undefined, { reservationTtlMs: 60_000 });
    await crashed.reserve({ requestId: uid("req"), teamId, estimateMicros: 5_000, config: CONFIG });
    await expect(healthy.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG })).rejects.toThrow(/\+\$0\.005 reserved/);
    t += 60_001;
    const r = await healthy.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG });
    expect(r.usages[0]).toMatchObject({ spentMicros: 0, reservedMicros: 1 });
  });

  it("missing counters (first use, Redis flushed) are seeded from the usage rollups before admitting", async () => {
    setClockForTests(Date.parse("2026-11-29T10:30:00Z"));
    const teamId = uid("tm");
    await storeA.put("team", teamId, daily(0.01), "test");
    // 8,000 micro-USD logged today (before the counter existed), 50,000 yesterday (another period),
    // in every granularity as the request-log writer keeps them.
    await env.dbA.prisma.$executeRawUnsafe(
      `INSERT INTO usage_rollups (granularity, bucket, dimension, value, requests, cost_micros) VALUES
        ('day', '2026-11-28 00:00:00', 'team', $1, 5, 50000),
        ('hour', '2026-11-28 23:00:00', 'team', $1, 5, 50000),
        ('minute', '2026-11-28 23:59:00', 'team', $1, 5, 50000),
        ('day', '2026-11-29 00:00:00', 'team', $1, 3, 8000),
        ('hour', '2026-11-29 09:00:00', 'team', $1, 2, 6000),
        ('minute', '2026-11-29 09:10:00', 'team', $1, 2, 6000),
        ('hour', '2026-11-29 10:00:00', 'team', $1, 1, 2000),
        ('minute', '2026-11-29 10:05:00', 'team', $1, 1, 2000)`,
      teamId,
    );
    const [a, b] = [instance("A"), instance("B")];
    const first = await a.reserve({ requestId: uid("req"), teamId, estimateMicros: 1_500, config: CONFIG });
    expect(first.usages[0]).toMatchObject({ spentMicros: 8_000, reservedMicros: 1_500 });
    await a.settle(first, 1_000);
    // Redis loses the counter: it is seeded again from the database, never restarted at zero.
    const keys = await env.kvA.client.keys(`*{budget}:team:${teamId}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await env.kvA.client.del(...keys.map((k) => k.slice(k.indexOf("helix:{budget}"))));
    const again = await b.reserve({ requestId: uid("req"), teamId, estimateMicros: 1_500, config: CONFIG });
    expect(again.usages[0]).toMatchObject({ spentMicros: 8_000, reservedMicros: 1_500 });
    await b.settle(again, 2_100);
    await expect(a.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG })).rejects.toThrow("spent $0.0101 of $0.01");
  });

  it("settle on a counter that vanished meanwhile seeds it first and still counts the request", async () => {
    setClockForTests(Date.parse("2026-11-29T10:30:00Z"));
    const userId = uid("u");
    await storeA.put("user", userId, daily(1), "test");
    const a = instance("A");
    const r = await a.reserve({ requestId: uid("req"), userId, estimateMicros: 100, config: CONFIG });
    const keys = await env.kvA.client.keys(`*{budget}:user:${userId}:*`);
    await env.kvA.client.del(...keys.map((k) => k.slice(k.indexOf("helix:{budget}"))));
    expect(await a.settle(r, 70)).toEqual([expect.objectContaining({ scope: "user", spentBeforeMicros: 0, spentMicros: 70, limitMicros: 1_000_000 })]);
  });
});

describe("fail open", () => {
  it("an unreachable Redis admits requests without hanging", async () => {
    const { RedisKv } = await import("@/lib/store/kv-redis");
    const dead = new RedisKv({ url: "redis://127.0.0.1:1", startupWaitMs: 100, commandTimeoutMs: 500 });
    try {
      const teamId = uid("tm");
      await storeA.put("team", teamId, daily(0), "test");
      const svc = instance("A", new RedisBudgetCounters(dead));
      const r = await svc.reserve({ requestId: uid("req"), teamId, estimateMicros: 1, config: CONFIG });
      expect(r).toMatchObject({ entries: [], usedPct: 0 });
    } finally {
      await dead.close();
    }
  }, 20_000);
});
