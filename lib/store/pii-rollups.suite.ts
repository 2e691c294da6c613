// PII rollups against the incidents they summarise; run on PGlite (pii-rollups.test.ts) and on
// PostgreSQL (pii-rollups.int.test.ts).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { PII_ROLLUP_GRANULARITIES, PiiIncidentWriter, type PiiIncidentEntry } from "./pii-incidents";
import { REPO_MIGRATIONS_DIR } from "./test-support";

const BASE = Date.parse("2026-03-01T21:37:00.000Z");

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** N incidents over ~3 days: many minute, hour and day buckets, some without a team. */
export function sampleIncidents(n: number, prefix: string, seed = 3): PiiIncidentEntry[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: n }, (_, i) => ({
    requestId: `${prefix}-${i}`,
    createdAt: new Date(BASE + Math.floor(r() * 3 * 86_400_000)),
    teamId: pick(["t1", "t2", null]),
    entityType: pick(["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "CREDIT_CARD"]),
    count: 1 + Math.floor(r() * 5),
    action: pick(["redact", "mask", "block"]),
    policy: "config",
    recognizer: "r",
    score: r(),
    location: pick(["messages", "response"]),
  }));
}

type Agg = { granularity: string; bucket: string; entity_type: string; action: string; team_id: string; detections: number; incidents: number };

const fromIncidents = (db: PrismaClient) =>
  db.$queryRawUnsafe<Agg[]>(
    `SELECT g.granularity, to_char(date_trunc(g.granularity, created_at), 'YYYY-MM-DD HH24:MI') AS bucket, entity_type, action, COALESCE(team_id, '') AS team_id, ` +
      `sum(count)::float8 AS detections, count(*)::float8 AS incidents ` +
      `FROM pii_incidents CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(granularity) GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
  );

const fromRollups = (db: PrismaClient) =>
  db.$queryRawUnsafe<Agg[]>(
    `SELECT granularity, to_char(bucket, 'YYYY-MM-DD HH24:MI') AS bucket, entity_type, action, team_id, detections::float8 AS detections, incidents::float8 AS incidents ` +
      `FROM pii_rollups ORDER BY 1, 2, 3, 4, 5`,
  );

async function write(db: PrismaClient, entries: PiiIncidentEntry[], batchSize = 100) {
  const w = new PiiIncidentWriter({ db: async () => db, flushMs: 60_000, batchSize });
  for (const e of entries) w.enqueue(e);
  return w.close();
}

export function piiRollupSuite(name: string, getDb: () => PrismaClient) {
  describe(`PII rollups on ${name}`, () => {
    beforeEach(async () => {
      await getDb().$executeRawUnsafe("DELETE FROM pii_incidents");
      await getDb().$executeRawUnsafe("DELETE FROM pii_rollups");
    });

    it("equal the sums over the incidents at every granularity, across batches", async () => {
      const db = getDb();
      const entries = sampleIncidents(700, "a");
      expect(await write(db, entries, 150)).toMatchObject({ dropped: 0, failedFlushes: 0 });
      const expected = await fromIncidents(db);
      expect(expected.length).toBeGreaterThan(100);
      expect(await fromRollups(db)).toEqual(expected);
      // Against the generated data itself, not only SQL against SQL.
      const [day] = await db.$queryRawUnsafe<Array<{ d: number; n: number }>>("SELECT sum(detections)::float8 AS d, sum(incidents)::float8 AS n FROM pii_rollups WHERE granularity = 'day'");
      const stored = await db.piiIncident.count();
      expect(Number(day.n)).toBe(stored);
      const uniq = new Map(entries.map((e) => [`${e.requestId}:${e.location}:${e.entityType}`, e]));
      expect(stored).toBe(uniq.size);
      expect(Number(day.d)).toBe([...uniq.values()].reduce((s, e) => s + e.count, 0));
      expect(PII_ROLLUP_GRANULARITIES).toEqual(["minute", "hour", "day"]);
    });

    it("count an incident once: replayed batches and duplicates within a batch add nothing", async () => {
      const db = getDb();
      const entries = sampleIncidents(200, "b", 9);
      await write(db, entries);
      const before = await fromRollups(db);
      const again = entries.map((e) => ({ ...e, count: 99 }));
      expect(await write(db, again)).toMatchObject({ written: 0, dropped: 0 });
      expect(await fromRollups(db)).toEqual(before);
      const twice = sampleIncidents(1, "c", 4)[0];
      expect(await write(db, [twice, { ...twice, count: 50 }])).toMatchObject({ written: 1 });
      expect(await fromRollups(db)).toEqual(await fromIncidents(db));
    });

    it("the migration's backfill builds the same rollups from incidents written before it", async () => {
      const db = getDb();
      await write(db, sampleIncidents(300, "d", 5));
      const kept = await fromRollups(db);
      await db.$executeRawUnsafe("DELETE FROM pii_rollups");
      const dir = readdirSync(REPO_MIGRATIONS_DIR).find((d) => d.endsWith("_pii_rollups"))!;
      const sql = readFileSync(path.join(REPO_MIGRATIONS_DIR, dir, "migration.sql"), "utf8");
      const backfill = sql.slice(sql.indexOf("INSERT INTO"));
      await db.$executeRawUnsafe(backfill);
      expect(await fromRollups(db)).toEqual(kept);
    });
  });
}
