// GET /helix/spend with MASTER_KEY set, on embedded PGlite: who may call it, what it answers
// (from the rollups the request-log writer keeps), and the 400s that name the bad parameter.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/helix/spend/route";
import { setClockForTests } from "@/lib/cost/clock";
import { resetEnvForTests } from "@/lib/env";
import { closeDb, getDb } from "@/lib/store/db";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { tempDir } from "@/lib/store/test-support";
import { sampleEntries } from "@/lib/store/usage-rollups.suite";
import { autoGranularity, parseSpendQuery, spendReportResponse } from "./spend";

const MASTER = "sk-master-spend-test";
const NOW = Date.parse("2026-03-03T12:34:56.000Z");
const tmp = tempDir();
const saved = { ...process.env };
let entries: RequestLogEntry[];

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.MASTER_KEY = MASTER;
  resetEnvForTests();
  setClockForTests(NOW);
  entries = sampleEntries(300, "spend", 41);
  const w = new RequestLogWriter({ db: getDb, flushMs: 60_000 });
  for (const e of entries) w.enqueue(e);
  expect(await w.close()).toMatchObject({ written: 300, dropped: 0 });
});
afterAll(async () => {
  setClockForTests(undefined);
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

const get = (query: string, key: string | null = MASTER) =>
  new Request(`http://helix/helix/spend${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
const call = (query: string) => spendReportResponse(get(query));
const cost = (xs: RequestLogEntry[]) => xs.reduce((s, e) => s + (e.costMicros ?? 0), 0);

describe("GET /helix/spend", () => {
  it("needs the master key", async () => {
    expect((await GET(get("", null), undefined)).status).toBe(401);
    expect((await GET(get("", "sk-not-the-master"), undefined)).status).toBe(401);
    expect((await GET(get(""), undefined)).status).toBe(200);
  });

  it("defaults to the last 24 hours by model, hourly", async () => {
    const r = await call("");
    expect(r).toMatchObject({
      object: "spend_report",
      group_by: "model",
      granularity: "hour",
      from: "2026-03-02T12:00:00.000Z",
      to: "2026-03-03T13:00:00.000Z",
      filter: null,
    });
    const inRange = entries.filter((e) => e.createdAt!.getTime() >= Date.parse(r.from) && e.createdAt!.getTime() < Date.parse(r.to));
    expect(r.totals.requests).toBe(inRange.length);
    expect(r.totals.cost_micros).toBe(cost(inRange));
    expect(r.totals.cost_usd).toBeCloseTo(cost(inRange) / 1e6, 6);
    expect(r.groups.map((g) => g.value).sort()).toEqual(["claude-sonnet", "gpt-4o", "gpt-4o-mini"]);
    for (const g of r.groups) {
      const mine = inRange.filter((e) => e.requestedModel === g.value);
      expect(g).toMatchObject({
        requests: mine.length,
        cost_micros: cost(mine),
        errors: mine.filter((e) => e.status >= 400).length,
        unknown_cost_requests: mine.filter((e) => e.costStatus === "unknown").length,
        cache_hits: mine.filter((e) => e.cacheStatus === "HIT" || e.cacheStatus === "SEMANTIC_HIT").length,
      });
    }
    expect(r.series.length).toBeGreaterThan(0);
    expect(r.series[0]).toEqual({ bucket: expect.stringMatching(/:00:00\.000Z$/), value: expect.any(String), cost_micros: expect.any(Number), cost_usd: expect.any(Number), requests: expect.any(Number) });
  });

  it("groups by team over an explicit range, with what has no team, and filters one team", async () => {
    const from = "2026-03-01T00:00:00Z";
    const to = "2026-03-06T00:00:00Z";
    const all = await call(`?group_by=team&from=${from}&to=${to}&granularity=day`);
    expect(all.totals.requests).toBe(300);
    expect(all.groups.reduce((s, g) => s + g.requests, 0) + all.unattributed!.requests).toBe(300);
    expect(all.unattributed!.cost_micros).toBe(cost(entries.filter((e) => e.teamId == null)));
    const t1 = await call(`?group_by=team&team=t1&period=30d&to=${to}`); // a period ending at 'to'
    const mine = entries.filter((e) => e.teamId === "t1");
    expect(t1).toMatchObject({ filter: { team: "t1" }, granularity: "day", unattributed: null });
    expect(t1.groups).toEqual([expect.objectContaining({ value: "t1", requests: mine.length, cost_micros: cost(mine) })]);
    expect(t1.totals.cost_micros).toBe(cost(mine));
  });

  it("answers 400 naming the parameter for what it cannot do", async () => {
    const cases: Array<[string, string]> = [
      ["?group_by=tenant", "group_by"],
      ["?period=7x", "period"],
      ["?period=0d", "period"],
      ["?from=yesterday", "from"],
      ["?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"],
      ["?period=24h&from=2026-03-01T00:00:00Z", "period"],
      ["?granularity=week", "granularity"],
      ["?period=30d&granularity=minute", "granularity"],
      ["?limit=0", "limit"],
      ["?group_by=model&team=t1", "team"],
      ["?groupby=team", "groupby"],
      ["?period=1000d", "period"],
    ];
    for (const [query, param] of cases) {
      const res = await GET(get(query), undefined);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error, query).toMatchObject({ type: "invalid_request_error", param });
    }
  });
});

describe("parseSpendQuery", () => {
  it("picks the granularity from the range", () => {
    expect(autoGranularity(60 * 60_000)).toBe("minute");
    expect(autoGranularity(7 * 86_400_000)).toBe("hour");
    expect(autoGranularity(30 * 86_400_000)).toBe("day");
    const q = parseSpendQuery(new URLSearchParams("period=3h&group_by=end_user&end_user=alice&limit=5"), NOW);
    expect(q).toMatchObject({ groupBy: "end_user", value: "alice", granularity: "minute", limit: 5, to: new Date(NOW), from: new Date(NOW - 3 * 3_600_000) });
  });
});
