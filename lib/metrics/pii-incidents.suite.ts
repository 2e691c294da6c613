// PII figures and the incident log against known incidents; run on PGlite (pii-incidents.test.ts)
// and on PostgreSQL (pii-incidents.int.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { PiiIncidentWriter } from "@/lib/store/pii-incidents";
import { decodeCursor, encodeCursor, listIncidents, piiSummary, type IncidentFilter, type IncidentRow } from "./pii-incidents";

const NOW = new Date("2026-11-29T12:00:00Z");
const HOUR = 3_600_000;
const FROM = new Date(NOW.getTime() - 24 * HOUR);

const ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"] as const;
const ACTIONS = ["redact", "mask", "block"] as const;
const TEAMS = ["pt1", "pt2", null] as const;

interface Known {
  id: string;
  createdAt: Date;
  entityType: string;
  action: string;
  teamId: string | null;
  count: number;
}

/** 40 incidents in the last 24 h (several sharing one timestamp, to exercise the id tie-break) and 3 older. */
function known(): Known[] {
  const out: Known[] = [];
  for (let i = 0; i < 40; i++) {
    // Groups of 4 share a created_at: a page boundary can fall between equal timestamps.
    const createdAt = new Date(NOW.getTime() - Math.floor(i / 4) * 2 * HOUR - 5_000);
    out.push({ id: `req-${String(i).padStart(2, "0")}:messages:${ENTITIES[i % 3]}`, createdAt, entityType: ENTITIES[i % 3], action: ACTIONS[i % 3 === 0 ? i % 2 : 2 - (i % 2)], teamId: TEAMS[i % 3 === 1 ? 2 : i % 2], count: 1 + (i % 4) });
  }
  for (let i = 0; i < 3; i++) out.push({ id: `req-old-${i}:messages:PERSON`, createdAt: new Date(FROM.getTime() - (i + 1) * HOUR), entityType: "PERSON", action: "redact", teamId: "pt1", count: 7 });
  // Before the 24 h: one IBAN_CODE every 11 hours over ~30 days (many day rollups to page across).
  for (let i = 0; i < 66; i++) {
    out.push({ id: `req-spread-${String(i).padStart(2, "0")}:messages:IBAN_CODE`, createdAt: new Date(FROM.getTime() - (4 + i * 11) * HOUR), entityType: "IBAN_CODE", action: ACTIONS[i % 3], teamId: TEAMS[i % 3], count: 1 });
  }
  return out;
}

const order = (a: Known, b: Known) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function sumBy(rows: Known[], key: (k: Known) => string) {
  const m = new Map<string, { detections: number; incidents: number }>();
  for (const r of rows) {
    const g = m.get(key(r)) ?? { detections: 0, incidents: 0 };
    g.detections += r.count;
    g.incidents += 1;
    m.set(key(r), g);
  }
  return m;
}

export function piiIncidentsSuite(name: string, getDb: () => PrismaClient) {
  describe(`PII incidents on ${name}`, () => {
    const rows = known();
    const inRange = rows.filter((r) => r.createdAt >= FROM);

    beforeAll(async () => {
      const db = getDb();
      await db.team.create({ data: { id: "pt1", name: "Platform" } });
      await db.team.create({ data: { id: "pt2", name: "Research" } });
      await db.apiKey.create({ data: { id: "pk1", name: "ci-bot", keyHash: "pii-suite-hash", keyPrefix: "sk-helix-ci", teamId: "pt1" } });
      // Through the gateway's writer, so the rollups the summary reads are kept as in production.
      const w = new PiiIncidentWriter({ db: async () => db, flushMs: 60_000, batchSize: 10 });
      for (const r of rows) {
        w.enqueue({
          requestId: r.id.split(":")[0],
          createdAt: r.createdAt,
          apiKeyId: r.teamId === "pt1" ? "pk1" : null,
          teamId: r.teamId,
          entityType: r.entityType,
          count: r.count,
          action: r.action,
          policy: "config",
          recognizer: `${r.entityType.toLowerCase()}-recognizer`,
          score: 0.85,
          location: "messages",
        });
      }
      expect(await w.close()).toMatchObject({ written: rows.length, dropped: 0 });
    });

    it("sums detections and incidents by entity type, action and team (with names), and per bucket", async () => {
      const s = await piiSummary(getDb(), 24 * HOUR, NOW);
      expect(s.granularity).toBe("hour");
      expect(s.detections).toBe(inRange.reduce((t, r) => t + r.count, 0));
      expect(s.incidents).toBe(40);
      const asMap = (groups: typeof s.byEntityType) => new Map(groups.map((g) => [g.key, { detections: g.detections, incidents: g.incidents }]));
      expect(asMap(s.byEntityType)).toEqual(sumBy(inRange, (r) => r.entityType));
      expect(asMap(s.byAction)).toEqual(sumBy(inRange, (r) => r.action));
      expect(asMap(s.byTeam)).toEqual(sumBy(inRange, (r) => r.teamId ?? ""));
      expect(Object.fromEntries(s.byTeam.map((t) => [t.key, t.label]))).toEqual({ pt1: "Platform", pt2: "Research", "": null });
      // Largest first.
      expect(s.byEntityType.map((g) => g.detections)).toEqual([...s.byEntityType.map((g) => g.detections)].sort((a, b) => b - a));
      // The series: per hour and entity type, adding up to the totals.
      const series = sumBy(inRange, (r) => `${new Date(Math.floor(r.createdAt.getTime() / HOUR) * HOUR).toISOString()}|${r.entityType}`);
      expect(new Map(s.series.map((p) => [`${p.bucket.toISOString()}|${p.entityType}`, p.detections]))).toEqual(new Map([...series].map(([k, v]) => [k, v.detections])));
    });

    it("has a series over time per action and per team, adding up to their totals", async () => {
      const s = await piiSummary(getDb(), 24 * HOUR, NOW);
      const hour = (r: Known) => new Date(Math.floor(r.createdAt.getTime() / HOUR) * HOUR).toISOString();
      const byAction = sumBy(inRange, (r) => `${hour(r)}|${r.action}`);
      expect(new Map(s.seriesByAction.map((p) => [`${p.bucket.toISOString()}|${p.action}`, p.detections]))).toEqual(new Map([...byAction].map(([k, v]) => [k, v.detections])));
      const byTeam = sumBy(inRange, (r) => `${hour(r)}|${r.teamId ?? ""}`);
      expect(new Map(s.seriesByTeam.map((p) => [`${p.bucket.toISOString()}|${p.teamId}`, p.detections]))).toEqual(new Map([...byTeam].map(([k, v]) => [k, v.detections])));
      // Every action and team of the totals has points, and no point lies outside the range.
      expect(new Set(s.seriesByAction.map((p) => p.action))).toEqual(new Set(s.byAction.map((g) => g.key)));
      expect(new Set(s.seriesByTeam.map((p) => p.teamId))).toEqual(new Set(["pt1", "pt2", ""]));
      for (const p of [...s.seriesByAction, ...s.seriesByTeam]) expect(p.bucket >= s.from && p.bucket < s.to).toBe(true);
      // Over 30 days: day buckets, and the older IBAN incidents show up per action too.
      const month = await piiSummary(getDb(), 30 * 24 * HOUR, NOW);
      expect(month.granularity).toBe("day");
      const total = (xs: Array<{ detections: number }>) => xs.reduce((t, x) => t + x.detections, 0);
      expect(total(month.seriesByAction)).toBe(month.detections);
      expect(total(month.seriesByTeam)).toBe(month.detections);
    });

    it("is empty for a range without incidents", async () => {
      const s = await piiSummary(getDb(), HOUR, new Date("2020-01-01T00:00:00Z"));
      expect(s).toMatchObject({ detections: 0, incidents: 0, byEntityType: [], byAction: [], byTeam: [], series: [], seriesByAction: [], seriesByTeam: [] });
    });

    async function walk(filter: IncidentFilter, limit: number, from = FROM): Promise<{ pages: number; seen: IncidentRow[] }> {
      const seen: IncidentRow[] = [];
      let cursor = null;
      let pages = 0;
      do {
        const page = await listIncidents(getDb(), { from, to: NOW, filter, cursor, limit });
        seen.push(...page.incidents);
        pages++;
        // The cursor survives the URL round trip.
        cursor = page.next ? decodeCursor(encodeCursor(page.next)) : null;
        expect(pages).toBeLessThan(50);
      } while (cursor);
      return { pages, seen };
    }

    it("pages newest first through every incident of the range, without duplicates or gaps", async () => {
      const { pages, seen } = await walk({}, 7);
      expect(pages).toBe(Math.ceil(40 / 7));
      expect(seen.map((r) => r.id)).toEqual(inRange.sort(order).map((r) => r.id));
      const first = seen.find((r) => r.teamId === "pt1")!;
      expect(first).toMatchObject({ teamName: "Platform", keyName: "ci-bot", apiKeyId: "pk1", requestId: first.id.split(":")[0], policy: "config", score: 0.85, location: "messages" });
      // An exact multiple of the page size ends without an empty extra page.
      expect((await walk({}, 8)).pages).toBe(5);
    });

    it("filters by entity type, action and team (or no team), still in order", async () => {
      const cases: Array<[IncidentFilter, (k: Known) => boolean]> = [
        [{ entityType: "PHONE_NUMBER" }, (k) => k.entityType === "PHONE_NUMBER"],
        [{ action: "block" }, (k) => k.action === "block"],
        [{ teamId: "pt2" }, (k) => k.teamId === "pt2"],
        [{ teamId: null }, (k) => k.teamId === null],
        [{ entityType: "EMAIL_ADDRESS", action: "mask", teamId: "pt2" }, (k) => k.entityType === "EMAIL_ADDRESS" && k.action === "mask" && k.teamId === "pt2"],
      ];
      for (const [filter, match] of cases) {
        const expected = inRange.filter(match).sort(order).map((r) => r.id);
        expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
        expect((await walk(filter, 3)).seen.map((r) => r.id), JSON.stringify(filter)).toEqual(expected);
      }
      expect((await listIncidents(getDb(), { from: FROM, to: NOW, filter: { entityType: "IBAN" }, limit: 10 })).incidents).toEqual([]);
    });

    it("pages across a month of days with filters (the day rollups bound each scan), still without gaps", async () => {
      const from = new Date(NOW.getTime() - 40 * 24 * HOUR);
      const cases: Array<[IncidentFilter, (k: Known) => boolean, number]> = [
        [{}, () => true, 9],
        [{ entityType: "IBAN_CODE" }, (k) => k.entityType === "IBAN_CODE", 4],
        [{ entityType: "IBAN_CODE", teamId: null }, (k) => k.entityType === "IBAN_CODE" && k.teamId === null, 2],
        [{ action: "block" }, (k) => k.action === "block", 5],
        [{ teamId: "pt1", action: "redact" }, (k) => k.teamId === "pt1" && k.action === "redact", 1],
      ];
      for (const [filter, match, limit] of cases) {
        const expected = rows.filter((r) => r.createdAt >= from && match(r)).sort(order).map((r) => r.id);
        expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(limit);
        expect((await walk(filter, limit, from)).seen.map((r) => r.id), JSON.stringify(filter)).toEqual(expected);
      }
      // A combination that never occurred: answered from the rollups alone.
      expect(await listIncidents(getDb(), { from, to: NOW, filter: { entityType: "IBAN_CODE", action: "allow" }, limit: 10 })).toEqual({ incidents: [], next: null });
    });

    it("rejects cursors that are not its own", () => {
      expect(decodeCursor("not-a-cursor")).toBeNull();
      expect(decodeCursor(Buffer.from('["x","y"]').toString("base64url"))).toBeNull();
      expect(decodeCursor(encodeCursor({ createdAt: NOW, id: "a" }))).toEqual({ createdAt: NOW, id: "a" });
    });
  });
}
