// Budget enforcement over the in-process counters: which budgets apply, the denial's message and
// retry-after, soft budgets, period roll-over at local midnight, hydration, disabled enforcement
// and failing open when the store is down.
import { afterEach, describe, expect, it } from "vitest";
import { BudgetExceededError } from "@/lib/errors";
import { KvUnavailableError } from "@/lib/store/kv-redis";
import type { BudgetRecord } from "@/lib/store/budgets";
import type { BudgetCounters } from "./budget-counters";
import { MemoryBudgetCounters } from "./budget-counters-memory";
import { BudgetDefinitions, type BudgetConfig } from "./budget-definitions";
import { BudgetService, formatUsd, type SpendSource } from "./budgets";
import { setClockForTests } from "./clock";

afterEach(() => setClockForTests(undefined));

let seq = 0;
function row(scope: BudgetRecord["scope"], scopeId: string, maxUsd: number | null, extra: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id: `b${++seq}`,
    scope,
    scopeId,
    maxBudgetMicros: maxUsd === null ? null : Math.round(maxUsd * 1_000_000),
    period: "daily",
    periodDays: null,
    timezone: "UTC",
    soft: false,
    alertThresholds: [],
    rpm: null,
    tpm: null,
    anchor: new Date(0),
    createdAt: new Date(0),
    updatedAt: new Date(0),
    updatedBy: "test",
    ...extra,
  };
}

const CONFIG: BudgetConfig = { enabled: true, alert_thresholds: [50, 80, 100] };

function service(rows: BudgetRecord[], opts: { counters?: BudgetCounters; spend?: SpendSource; warn?: (m: string) => void } = {}) {
  const counters = opts.counters ?? new MemoryBudgetCounters();
  return new BudgetService({
    counters: () => counters,
    definitions: new BudgetDefinitions({ load: async () => rows }),
    spendSource: opts.spend ?? (async () => 0),
    warn: opts.warn,
  });
}

const caller = { keyId: "k1", userId: "u1", teamId: "tm_123", orgId: "o1" };
let rid = 0;
const reserve = (svc: BudgetService, estimateMicros: number, extra: Partial<Parameters<BudgetService["reserve"]>[0]> = {}) =>
  svc.reserve({ requestId: `req-${++rid}`, ...caller, estimateMicros, config: CONFIG, ...extra });

describe("reserveBudgets", () => {
  it("a small team budget stops a key whose own budget is larger", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const svc = service([row("key", "k1", 100), row("team", "tm_123", 0.01)]);
    const first = await reserve(svc, 6_000);
    expect(first.entries.map((e) => e.definition.scope)).toEqual(["key", "team"]);
    await svc.settle(first, 10_200);
    const err = await reserve(svc, 1_000).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err.status).toBe(429);
    expect(err.type).toBe("budget_exceeded");
    expect(err.message).toBe("Budget exceeded for team 'tm_123': spent $0.0102 of $0.01 (daily, resets 2026-11-30T00:00:00.000Z)");
    expect(err.headers["retry-after"]).toBe(String(14 * 3600));
    expect(err.headers["x-helix-budget-reset"]).toBe("2026-11-30T00:00:00.000Z");
    // Another key of another team is unaffected.
    expect((await reserve(svc, 1_000, { teamId: "other" })).entries).toHaveLength(1);
  });

  it("reports usages and the highest used share over hard and soft budgets", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const svc = service([row("key", "k1", 1), row("org", "o1", 0.1, { soft: true, alertThresholds: [90] })]);
    await svc.settle(await reserve(svc, 80_000), 80_000);
    const r = await reserve(svc, 5_000);
    expect(r.usedPct).toBeCloseTo(80, 6);
    expect(r.usages).toEqual([
      expect.objectContaining({ scope: "key", scopeId: "k1", limitMicros: 1_000_000, spentMicros: 80_000, reservedMicros: 5_000, soft: false, alertThresholds: [50, 80, 100] }),
      expect.objectContaining({ scope: "org", scopeId: "o1", limitMicros: 100_000, spentMicros: 80_000, reservedMicros: 5_000, soft: true, alertThresholds: [90] }),
    ]);
    // A soft budget far past its limit never refuses.
    await svc.settle(r, 500_000);
    expect((await reserve(svc, 5_000)).usedPct).toBeCloseTo(580, 6);
  });

  it("settlements carry spend before and after for alerts; release frees the reservation", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const svc = service([row("user", "u1", 0.002)]);
    const a = await reserve(svc, 1_500);
    await expect(reserve(svc, 1_500)).resolves.toMatchObject({ usages: [{ reservedMicros: 3_000 }] });
    await expect(reserve(svc, 1)).rejects.toThrow(/user 'u1': spent \$0\.00 \(\+\$0\.003 reserved by requests in flight\) of \$0\.002/);
    const settled = await svc.settle(a, 1_200);
    expect(settled).toEqual([
      expect.objectContaining({ scope: "user", scopeId: "u1", spentBeforeMicros: 0, spentMicros: 1_200, limitMicros: 2_000, periodStart: new Date("2026-11-29T00:00:00Z"), period: "daily" }),
    ]);
  });

  it("end users: their own row, else the config's end_user_budget; the global row over the config's", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const config: BudgetConfig = {
      ...CONFIG,
      end_user_budget: { max_budget_usd: 0.001, period: "daily", timezone: "UTC", soft: false },
      global_budget: { max_budget_usd: 5, period: "monthly", timezone: "UTC", soft: false },
    };
    const svc = service([row("end_user", "vip", 1)]);
    const r = await reserve(svc, 2_000, { endUser: "bob", config });
    expect(r.entries.map((e) => [e.definition.scope, e.definition.scopeId, e.definition.source])).toEqual([
      ["end_user", "bob", "config"],
      ["global", "global", "config"],
    ]);
    await svc.settle(r, 2_000);
    await expect(reserve(svc, 1, { endUser: "bob", config })).rejects.toThrow("Budget exceeded for end user 'bob'");
    // Header values stay ASCII whatever the end user's name.
    await svc.settle(await reserve(svc, 2_000, { endUser: "zoë 🚀", config }), 2_000);
    const named = await reserve(svc, 1, { endUser: "zoë 🚀", config }).catch((e) => e);
    expect(named.message).toContain("end user 'zoë 🚀'");
    expect(() => new Headers(named.headers)).not.toThrow();
    expect(named.headers["x-helix-budget-scope"]).toBe("end_user:zo%C3%AB%20%F0%9F%9A%80");
    expect((await reserve(svc, 1, { endUser: "vip", config })).entries[0].definition.source).toBe("database");
    const withGlobal = service([row("global", "global", 0)]);
    await expect(reserve(withGlobal, 1, { config })).rejects.toThrow("Budget exceeded for the gateway (global budget): spent $0.00 of $0.00 (daily");
  });

  it("rows without a spend limit (rate limits only) do not enforce; disabled cost_optimization enforces nothing", async () => {
    const svc = service([row("key", "k1", null, { rpm: 10 }), row("team", "tm_123", 0)]);
    expect((await reserve(svc, 1, { teamId: undefined })).entries).toEqual([]);
    await expect(reserve(svc, 1)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(await reserve(svc, 1, { config: { ...CONFIG, enabled: false } })).toMatchObject({ entries: [], usages: [], usedPct: 0 });
  });

  it("the period rolls over at midnight in the budget's zone: denied at 23:59 local, admitted after", async () => {
    const svc = service([row("team", "tm_123", 0.01, { timezone: "Asia/Kolkata" })]);
    setClockForTests(Date.parse("2026-11-29T18:29:00Z")); // 23:59 in Kolkata
    await svc.settle(await reserve(svc, 10_000), 10_000);
    const err = await reserve(svc, 1).catch((e) => e);
    expect(err.message).toContain("resets 2026-11-29T18:30:00.000Z");
    expect(err.headers["retry-after"]).toBe("60");
    setClockForTests(Date.parse("2026-11-29T18:30:00Z"));
    const r = await reserve(svc, 1);
    expect(r.usages[0]).toMatchObject({ spentMicros: 0, periodStart: new Date("2026-11-29T18:30:00Z"), resetAt: new Date("2026-11-30T18:30:00Z") });
  });

  it("a missing counter is seeded from the database's spend since the period start", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const calls: [string, string, string][] = [];
    const svc = service([row("team", "tm_123", 0.01, { period: "weekly" })], {
      spend: async (scope, id, since) => {
        calls.push([scope, id, since.toISOString()]);
        return 9_999;
      },
    });
    const r = await reserve(svc, 500);
    expect(calls).toEqual([["team", "tm_123", "2026-11-23T00:00:00.000Z"]]);
    expect(r.usages[0]).toMatchObject({ spentMicros: 9_999, reservedMicros: 500 });
    await expect(reserve(svc, 1)).rejects.toThrow("spent $0.009999 (+$0.0005 reserved by requests in flight) of $0.01 (weekly");
    expect(calls).toHaveLength(1);
  });

  it("fails open when the counters are unavailable or hydration fails, with one throttled warning", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const down: BudgetCounters = {
      kind: "redis",
      reserve: async () => {
        throw new KvUnavailableError("Redis is down");
      },
      settle: async () => {
        throw new KvUnavailableError("Redis is down");
      },
      release: async () => {
        throw new KvUnavailableError("Redis is down");
      },
      read: async () => {
        throw new KvUnavailableError("Redis is down");
      },
      seed: async () => {
        throw new KvUnavailableError("Redis is down");
      },
    };
    const warnings: string[] = [];
    const svc = service([row("team", "tm_123", 0)], { counters: down, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 5; i++) expect((await reserve(svc, 1)).entries).toEqual([]);
    expect(warnings).toHaveLength(1);
    const hanging = service([row("team", "tm_123", 0)], { spend: () => Promise.reject(new Error("database down")) });
    expect((await reserve(hanging, 1)).entries).toEqual([]);
    // Settle and release of a reservation never throw.
    const ok = service([row("team", "tm_123", 1)]);
    const r = await reserve(ok, 1);
    const broken = new BudgetService({ counters: () => down, definitions: new BudgetDefinitions({ load: async () => [] }), spendSource: async () => 0 });
    await expect(broken.settle(r, 10)).resolves.toEqual([]);
    await expect(broken.release(r)).resolves.toBeUndefined();
  });

  it("definitions that cannot load fail open too", async () => {
    const svc = new BudgetService({
      counters: () => new MemoryBudgetCounters(),
      definitions: new BudgetDefinitions({ load: () => Promise.reject(new Error("no database")) }),
      spendSource: async () => 0,
    });
    expect((await reserve(svc, 1)).entries).toEqual([]);
  });
});

describe("statuses", () => {
  it("reads many budgets at once and hydrates only the missing counters", async () => {
    setClockForTests(Date.parse("2026-11-29T10:00:00Z"));
    const seeded: string[] = [];
    const svc = service([row("key", "k1", 1), row("team", "tm_123", 0.5, { period: "monthly" })], {
      spend: async (scope, id) => {
        seeded.push(`${scope}:${id}`);
        return scope === "team" ? 123 : 0;
      },
    });
    await svc.settle(await reserve(svc, 10, { teamId: undefined }), 40);
    const defs = await svc.definitions.budgetsFor(caller, CONFIG);
    const [key, team] = await svc.statuses(defs);
    expect(key).toMatchObject({ scope: "key", spentMicros: 40, reservedMicros: 0 });
    expect(team).toMatchObject({ scope: "team", spentMicros: 123, periodStart: new Date("2026-11-01T00:00:00Z"), resetAt: new Date("2026-12-01T00:00:00Z") });
    expect(seeded).toEqual(["key:k1", "team:tm_123"]);
  });
});

describe("budget definitions cache", () => {
  it("reloads after the refresh interval or at once after invalidate(); keeps the last rows when a reload fails", async () => {
    let t = Date.parse("2026-11-29T10:00:00Z");
    setClockForTests(() => t);
    let rows = [row("team", "t", 1)];
    let loads = 0;
    let fail = false;
    const defs = new BudgetDefinitions({
      load: async () => {
        loads++;
        if (fail) throw new Error("db down");
        return rows;
      },
    });
    const limit = async () => (await defs.budgetsFor({ teamId: "t" }, CONFIG))[0]?.limitMicros;
    expect(await limit()).toBe(1_000_000);
    rows = [row("team", "t", 2)];
    expect(await limit()).toBe(1_000_000);
    t += 5_000;
    expect(await limit()).toBe(2_000_000);
    rows = [];
    defs.invalidate();
    expect(await limit()).toBeUndefined();
    expect(loads).toBe(3);
    fail = true;
    t += 10_000;
    expect(await limit()).toBeUndefined();
  });
});

describe("formatUsd", () => {
  it("keeps two decimals at least and micro-USD precision at most", () => {
    expect([0, 10_000, 10_200, 1, 12_500_000, 123_456_789].map(formatUsd)).toEqual(["$0.00", "$0.01", "$0.0102", "$0.000001", "$12.50", "$123.456789"]);
  });
});
