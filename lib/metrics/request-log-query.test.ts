// The log explorer's query on PGlite and on PostgreSQL: every matching row exactly once across
// pages (also with tiny scan budgets that force short pages), each filter, cursors that survive
// concurrent inserts, and tampered cursors refused as a 400 naming `cursor`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle } from "@/lib/store/db";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { TEST_DATABASES } from "@/lib/store/test-support";
import { errorResponse, HelixError } from "@/lib/errors";
import { decodeCursor, encodeCursor, queryRequestLogs, requestLogDetail, namesFor, type LogFilters, type LogQueryOptions, type LogRow } from "./request-log-query";

const NOW = new Date("2026-11-29T12:00:00.000Z");
const MIN = 60_000;
const DAY = 86_400_000;
const TEAMS = ["team-a", "team-b", "team-c"];
const KEYS = ["key-1", "key-2", "key-3", "key-4", "key-5"];
const MODELS = ["gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-8b"];
const STATUSES = [200, 200, 200, 200, 200, 200, 429, 500, 502, 200];
const CACHE = ["MISS", "MISS", "HIT", "MISS", "SEMANTIC_HIT", "BYPASS", "MISS"];

// 400 rows over ~3 days; every fifth pair shares a created_at (id breaks the tie).
function entries(): RequestLogEntry[] {
  const out: RequestLogEntry[] = [];
  for (let i = 0; i < 400; i++) {
    const minutesAgo = Math.floor(i / 2) * 20 + (i % 5 === 0 ? 0 : i % 2);
    out.push({
      id: `rq-${String(i).padStart(4, "0")}`,
      createdAt: new Date(NOW.getTime() - minutesAgo * MIN - 1_000),
      endpoint: "chat.completions",
      apiKeyId: KEYS[i % KEYS.length],
      teamId: TEAMS[i % TEAMS.length],
      endUser: i % 11 === 0 ? "alice" : null,
      requestedModel: MODELS[i % MODELS.length],
      provider: "openai",
      status: STATUSES[i % STATUSES.length],
      errorType: STATUSES[i % STATUSES.length] >= 400 ? "api_error" : null,
      cacheStatus: CACHE[i % CACHE.length],
      latencyMs: 100 + i,
      inputTokens: 10,
      outputTokens: 5,
      costMicros: 1_000 + i,
      costStatus: "priced",
    });
  }
  return out;
}

const ALL = entries();
const FULL: Pick<LogFilters, "from" | "to"> = { from: new Date(NOW.getTime() - 30 * DAY), to: NOW };

function expected(pred: (e: RequestLogEntry) => boolean): string[] {
  return ALL.filter(pred)
    .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime() || (a.id < b.id ? 1 : -1))
    .map((e) => e.id);
}

const targets = TEST_DATABASES;

describe.each(targets)("request log query on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  const write = async (rows: RequestLogEntry[]) => {
    const w = new RequestLogWriter({ db: async () => h.prisma, flushMs: 60_000, batchSize: 500 });
    for (const r of rows) w.enqueue(r);
    await w.close();
  };

  beforeAll(async () => {
    ({ h, cleanup } = await open());
    await write(ALL);
    await h.prisma.team.createMany({ data: [{ id: "team-a", name: "Alpha" }, { id: "team-b", name: "Beta" }] });
    await h.prisma.apiKey.create({ data: { id: "key-1", name: "Prod key", keyHash: "h1", keyPrefix: "sk-helix-abc" } });
    await h.prisma.piiIncident.create({
      data: { id: "pi-1", requestId: "rq-0003", entityType: "EMAIL_ADDRESS", count: 2, action: "redact", policy: "config", recognizer: "email", score: 1, location: "messages" },
    });
  }, 60_000);
  afterAll(async () => cleanup?.());

  async function pageAll(f: LogFilters, opts: LogQueryOptions = {}): Promise<{ ids: string[]; pages: number; maxScanned: number }> {
    const ids: string[] = [];
    let cursor = undefined as LogQueryOptions["cursor"];
    let pages = 0;
    let maxScanned = 0;
    for (;;) {
      const p = await queryRequestLogs(h.prisma, f, { ...opts, cursor });
      pages++;
      maxScanned = Math.max(maxScanned, p.scanned);
      ids.push(...p.rows.map((r: LogRow) => r.id));
      if (!p.next) break;
      // Through the wire format, as the page does.
      cursor = decodeCursor(encodeCursor(p.next));
      if (pages > 500) throw new Error("no end");
    }
    return { ids, pages, maxScanned };
  }

  it("pages through every row exactly once, newest first, ties broken by id", async () => {
    const { ids, pages } = await pageAll(FULL, { limit: 7 });
    expect(ids).toEqual(expected(() => true));
    expect(new Set(ids).size).toBe(400);
    expect(pages).toBe(Math.ceil(400 / 7));
  });

  it.each<[string, Partial<LogFilters>, (e: RequestLogEntry) => boolean]>([
    ["key", { apiKeyId: "key-2" }, (e) => e.apiKeyId === "key-2"],
    ["team", { teamId: "team-c" }, (e) => e.teamId === "team-c"],
    ["model", { model: "llama-3.1-8b" }, (e) => e.requestedModel === "llama-3.1-8b"],
    ["status 5xx", { status: "5xx" }, (e) => e.status >= 500],
    ["status 4xx", { status: "4xx" }, (e) => e.status >= 400 && e.status < 500],
    ["status error", { status: "error" }, (e) => e.status >= 400],
    ["status 2xx", { status: "2xx" }, (e) => e.status < 300],
    ["status 502", { status: 502 }, (e) => e.status === 502],
    ["cache HIT", { cache: "HIT" }, (e) => e.cacheStatus === "HIT"],
    ["cache SEMANTIC_HIT", { cache: "SEMANTIC_HIT" }, (e) => e.cacheStatus === "SEMANTIC_HIT"],
    ["cache BYPASS", { cache: "BYPASS" }, (e) => e.cacheStatus === "BYPASS"],
    ["end user", { endUser: "alice" }, (e) => e.endUser === "alice"],
    ["team + 5xx + MISS", { teamId: "team-a", status: "5xx", cache: "MISS" }, (e) => e.teamId === "team-a" && e.status >= 500 && e.cacheStatus === "MISS"],
    ["key + model + end user", { apiKeyId: "key-1", model: "gpt-4o-mini", endUser: "alice" }, (e) => e.apiKeyId === "key-1" && e.requestedModel === "gpt-4o-mini" && e.endUser === "alice"],
    ["nothing matches", { teamId: "team-a", model: "llama-3.1-8b", status: 429 }, (e) => e.teamId === "team-a" && e.requestedModel === "llama-3.1-8b" && e.status === 429],
  ])("filters by %s, exactly once across pages, with any scan budget", async (_name, filter, pred) => {
    const want = expected(pred);
    for (const opts of [{ limit: 50 }, { limit: 3, scanBudget: 4, maxChunks: 1 }, { limit: 5, scanBudget: 9, maxChunks: 2 }]) {
      const { ids, maxScanned } = await pageAll({ ...FULL, ...filter }, opts);
      expect(ids).toEqual(want);
      if (opts.scanBudget) expect(maxScanned).toBeLessThanOrEqual(Math.max(opts.limit + 1, opts.scanBudget) * opts.maxChunks * 3);
    }
  });

  it("bounds the work of a filter that matches nothing: a short page and a cursor to search on", async () => {
    const p = await queryRequestLogs(h.prisma, { ...FULL, teamId: "team-a", model: "llama-3.1-8b" }, { limit: 10, scanBudget: 20, maxChunks: 2 });
    expect(p.rows).toEqual([]);
    expect(p.partial).toBe(true);
    expect(p.next).not.toBeNull();
    expect(p.scanned).toBe(40);
  });

  it("respects the time range and orders by the driver's index", async () => {
    const from = new Date(NOW.getTime() - 600 * MIN);
    const { ids } = await pageAll({ from, to: NOW, model: "gpt-4o-mini" }, { limit: 4 });
    expect(ids).toEqual(expected((e) => e.createdAt! >= from && e.requestedModel === "gpt-4o-mini"));
    expect(ids.length).toBeGreaterThan(5);
    const empty = await queryRequestLogs(h.prisma, { from: new Date("2020-01-01T00:00:00Z"), to: new Date("2020-01-02T00:00:00Z") });
    expect(empty).toMatchObject({ rows: [], next: null, partial: false });
  });

  it("is stable under concurrent inserts: no duplicates, no gaps", async () => {
    const f: LogFilters = { from: FULL.from, to: new Date(NOW.getTime() + DAY), teamId: "team-b" };
    const first = await queryRequestLogs(h.prisma, f, { limit: 10 });
    // New rows arrive (newer than everything, and one tied with the cursor row's time but a greater id).
    const last = first.rows[first.rows.length - 1];
    await write([
      { ...ALL[1], id: "zz-new-1", createdAt: new Date(NOW.getTime() + 5 * MIN), teamId: "team-b" },
      { ...ALL[1], id: "zz-new-2", createdAt: new Date(NOW.getTime() + 6 * MIN), teamId: "team-b" },
    ]);
    const rest: string[] = [];
    let cursor = first.next;
    while (cursor) {
      const p = await queryRequestLogs(h.prisma, f, { limit: 10, cursor });
      rest.push(...p.rows.map((r) => r.id));
      cursor = p.next;
    }
    const ids = [...first.rows.map((r) => r.id), ...rest];
    expect(ids).toEqual(expected((e) => e.teamId === "team-b"));
    expect(rest).not.toContain(last.id);
    // A fresh first page shows the new rows on top.
    const again = await queryRequestLogs(h.prisma, f, { limit: 3 });
    expect(again.rows.map((r) => r.id).slice(0, 2)).toEqual(["zz-new-2", "zz-new-1"]);
  });

  it("gives one request's every column and its PII incidents, and names for ids", async () => {
    const d = await requestLogDetail(h.prisma, "rq-0003");
    expect(d?.row).toMatchObject({ id: "rq-0003", apiKeyId: "key-4", teamId: "team-a", status: 200, latencyMs: 103 });
    expect(d?.incidents).toEqual([expect.objectContaining({ entityType: "EMAIL_ADDRESS", count: 2, action: "redact" })]);
    expect(await requestLogDetail(h.prisma, "nope")).toBeNull();
    const n = await namesFor(h.prisma, ["key-1", "key-9"], ["team-a", "team-c"]);
    expect(n.keys.get("key-1")).toEqual({ name: "Prod key", prefix: "sk-helix-abc" });
    expect(n.keys.has("key-9")).toBe(false);
    expect(n.teams.get("team-a")).toBe("Alpha");
  });
});

describe("cursor", () => {
  it("round-trips and refuses tampering with a 400 naming `cursor`", async () => {
    const p = { createdAt: new Date("2026-11-29T11:59:59.123Z"), id: "rq-0001" };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
    const forged = [
      "not base64!",
      Buffer.from("hello").toString("base64url"),
      Buffer.from(JSON.stringify(["2026-11-29", "x"])).toString("base64url"),
      Buffer.from(JSON.stringify(["2026-13-45T00:00:00.000Z", "x"])).toString("base64url"),
      Buffer.from(JSON.stringify([123, "x"])).toString("base64url"),
      Buffer.from(JSON.stringify(["2026-11-29T11:59:59.123Z", ""])).toString("base64url"),
      encodeCursor(p).slice(0, -3),
    ];
    for (const c of forged) {
      let err: unknown;
      try {
        decodeCursor(c);
      } catch (e) {
        err = e;
      }
      expect(err, c).toBeInstanceOf(HelixError);
      const res = errorResponse(err as HelixError);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param: "cursor" } });
    }
  });
});
