// Usage rollups on embedded PGlite (the same suite runs on PostgreSQL in usage-rollups.int.test.ts).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "./db";
import { usageRollupSuite } from "./usage-rollups.suite";
import { spendWindows, withRollups } from "./usage-rollups";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  tmp.remove();
});

usageRollupSuite("PGlite", () => h.prisma);

describe("spendWindows", () => {
  it("splits at the next hour and the next day after the minute", () => {
    expect(spendWindows(new Date("2026-03-02T05:07:30Z"))).toEqual({
      minuteFrom: new Date("2026-03-02T05:07:00Z"),
      hourFrom: new Date("2026-03-02T06:00:00Z"),
      dayFrom: new Date("2026-03-03T00:00:00Z"),
    });
    // Aligned instants need no finer buckets.
    const midnight = new Date("2026-03-02T00:00:00Z");
    expect(spendWindows(midnight)).toEqual({ minuteFrom: midnight, hourFrom: midnight, dayFrom: midnight });
    const hour = new Date("2026-03-02T23:00:00Z");
    expect(spendWindows(hour)).toEqual({ minuteFrom: hour, hourFrom: hour, dayFrom: new Date("2026-03-03T00:00:00Z") });
  });
});

describe("withRollups", () => {
  it("is one statement: the log insert's rows feed the rollup upsert", () => {
    const sql = withRollups("INSERT INTO request_logs (id) SELECT 1 ON CONFLICT (id) DO NOTHING");
    expect(sql.startsWith("WITH i AS (INSERT INTO request_logs")).toBe(true);
    expect(sql).toContain("RETURNING");
    expect(sql).toContain("ON CONFLICT (granularity, dimension, value, bucket) DO UPDATE SET requests = usage_rollups.requests + excluded.requests");
    expect(sql.split(";")).toHaveLength(1);
  });
});
