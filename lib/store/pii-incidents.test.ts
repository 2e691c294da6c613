// PII incidents on embedded PGlite: batched, idempotent per group, and value-free by construction.
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type DbHandle } from "./db";
import { PiiIncidentWriter } from "./pii-incidents";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h.close();
  tmp.remove();
});

it("writes one row per request, location and entity type, once even when enqueued twice", async () => {
  const w = new PiiIncidentWriter({ db: async () => h.prisma, flushMs: 60_000 });
  const base = { requestId: "req_1", teamId: "t1", count: 2, action: "redact", policy: "config", recognizer: "EmailRecognizer", score: 1, location: "messages" };
  w.enqueue({ ...base, entityType: "EMAIL_ADDRESS" });
  w.enqueue({ ...base, entityType: "EMAIL_ADDRESS" });
  w.enqueue({ ...base, entityType: "PHONE_NUMBER", count: 1, score: 0.75, recognizer: "PhoneRecognizer" });
  const stats = await w.close();
  expect(stats.dropped).toBe(0);
  const rows = await h.prisma.piiIncident.findMany({ orderBy: { entityType: "asc" } });
  expect(rows.map((r) => [r.entityType, r.count, r.action, r.score])).toEqual([
    ["EMAIL_ADDRESS", 2, "redact", 1],
    ["PHONE_NUMBER", 1, "redact", 0.75],
  ]);
  expect(Object.keys(rows[0]).sort()).not.toContain("value");
});
