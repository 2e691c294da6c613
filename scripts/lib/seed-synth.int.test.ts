// The demo history synthesizer against a fresh PostgreSQL: rows land, span the requested range,
// and the rollups agree with the log (they are written by the same statement).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { createTestDatabase, REPO_MIGRATIONS_DIR } from "@/lib/store/test-support";
import { loadTemplates, profileTemplates, synthesizeHistory, SYNTH_ID_PREFIX } from "./seed-synth";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let h: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const actors = [
  { apiKeyId: "key-a", userId: "user-a", teamId: "team-a", orgId: "org-demo" },
  { apiKeyId: "key-b", userId: "user-b", teamId: "team-a", orgId: "org-demo" },
  { apiKeyId: "key-c", userId: "user-c", teamId: "team-b", orgId: "org-demo" },
];

describe("synthesizeHistory", () => {
  it("writes N rows over the past days with rollups equal to the log", async () => {
    const now = new Date("2026-06-15T12:00:00Z");
    const progress: number[] = [];
    const r = await synthesizeHistory({
      db: h.prisma,
      templates: profileTemplates(actors, 500),
      rows: 2_000,
      days: 30,
      now,
      batchSize: 300,
      concurrency: 2,
      seed: 7,
      notToday: (t) => t.teamId === "team-b",
      onProgress: (w) => progress.push(w),
    });
    expect(r.written).toBe(2_000);
    expect(r.incidents).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(2_000);

    const [span] = await h.prisma.$queryRawUnsafe<Array<{ n: number; min: Date; max: Date; days: number; weekend: number }>>(
      `SELECT count(*)::int AS n, min(created_at) AS min, max(created_at) AS max,
        count(DISTINCT date_trunc('day', created_at))::int AS days,
        count(*) FILTER (WHERE extract(isodow FROM created_at) >= 6)::int AS weekend
       FROM request_logs WHERE id LIKE '${SYNTH_ID_PREFIX}%'`,
    );
    expect(span.n).toBe(2_000);
    const min = new Date(`${String(span.min instanceof Date ? span.min.toISOString() : span.min).replace(/Z?$/, "Z")}`);
    const max = new Date(`${String(span.max instanceof Date ? span.max.toISOString() : span.max).replace(/Z?$/, "Z")}`);
    expect(min.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-05-17T00:00:00Z"));
    expect(min.getTime()).toBeLessThan(Date.parse("2026-05-19T00:00:00Z"));
    expect(max.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(max.getTime()).toBeGreaterThan(now.getTime() - 86_400_000);
    expect(span.days).toBe(30);
    // The weekly rhythm: weekends (2/7 of days) carry clearly less than 2/7 of the traffic.
    expect(span.weekend / span.n).toBeLessThan(0.2);

    // A team left out of today has rows on the other days only.
    const [tb] = await h.prisma.$queryRawUnsafe<Array<{ today: number; before: number }>>(
      `SELECT count(*) FILTER (WHERE created_at >= '2026-06-15')::int AS today, count(*) FILTER (WHERE created_at < '2026-06-15')::int AS before
       FROM request_logs WHERE team_id = 'team-b'`,
    );
    expect(tb.today).toBe(0);
    expect(tb.before).toBeGreaterThan(0);

    // Day rollups (global and per team) equal the sums over the log.
    const mismatches = await h.prisma.$queryRawUnsafe<Array<{ bucket: Date }>>(
      `WITH l AS (
         SELECT date_trunc('day', created_at) AS bucket, count(*)::bigint AS requests,
           COALESCE(sum(cost_micros), 0)::bigint AS cost, COALESCE(sum(input_tokens), 0)::bigint AS input,
           count(*) FILTER (WHERE cache_status IN ('HIT', 'SEMANTIC_HIT'))::bigint AS hits,
           count(*) FILTER (WHERE status >= 400)::bigint AS errors
         FROM request_logs GROUP BY 1)
       SELECT l.bucket FROM l FULL JOIN (SELECT * FROM usage_rollups WHERE granularity = 'day' AND dimension = 'global') u
         ON u.bucket = l.bucket
       WHERE u.requests IS DISTINCT FROM l.requests OR u.cost_micros IS DISTINCT FROM l.cost
         OR u.input_tokens IS DISTINCT FROM l.input OR u.cache_hits IS DISTINCT FROM l.hits OR u.errors IS DISTINCT FROM l.errors`,
    );
    expect(mismatches).toEqual([]);
    const [team] = await h.prisma.$queryRawUnsafe<Array<{ rollup: number; log: number }>>(
      `SELECT (SELECT sum(cost_micros)::float8 FROM usage_rollups WHERE granularity = 'day' AND dimension = 'team' AND value = 'team-a') AS rollup,
              (SELECT sum(cost_micros)::float8 FROM request_logs WHERE team_id = 'team-a') AS log`,
    );
    expect(team.rollup).toBe(team.log);
    expect(team.log).toBeGreaterThan(0);

    // Costs are priced from tokens; cache hits cost nothing and record savings; errors occur.
    const [mix] = await h.prisma.$queryRawUnsafe<Array<{ priced: number; hitsWithSavings: number; errors: number; models: number }>>(
      `SELECT count(*) FILTER (WHERE cost_micros > 0)::int AS priced,
        count(*) FILTER (WHERE cache_status = 'HIT' AND cost_micros = 0 AND cache_savings_micros > 0)::int AS "hitsWithSavings",
        count(*) FILTER (WHERE status >= 400)::int AS errors, count(DISTINCT requested_model)::int AS models
       FROM request_logs`,
    );
    expect(mix.priced).toBeGreaterThan(1_000);
    expect(mix.hitsWithSavings).toBeGreaterThan(100);
    expect(mix.errors).toBeGreaterThan(0);
    expect(mix.models).toBe(5);

    // PII incidents are copied with their request: same time and owners, and no orphans.
    const [pii] = await h.prisma.$queryRawUnsafe<Array<{ n: number; orphans: number }>>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE l.id IS NULL OR l.created_at <> p.created_at OR l.team_id IS DISTINCT FROM p.team_id)::int AS orphans
       FROM pii_incidents p LEFT JOIN request_logs l ON l.id = p.request_id`,
    );
    expect(pii.n).toBe(r.incidents);
    expect(pii.orphans).toBe(0);
  });

  it("runs again without conflicts, and live rows (not synthetic ones) become templates", async () => {
    const r = await synthesizeHistory({ db: h.prisma, templates: profileTemplates(actors, 50, 9), rows: 300, days: 7, batchSize: 100 });
    expect(r.written).toBe(300);
    const [{ n }] = await h.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM request_logs`);
    expect(n).toBe(2_300);
    expect(await loadTemplates(h.prisma, "org-demo")).toEqual([]);
    // A recorded (live) request with an incident becomes a template carrying it.
    await h.prisma.$executeRawUnsafe(
      `INSERT INTO request_logs (id, created_at, endpoint, org_id, team_id, requested_model, provider, status, latency_ms, input_tokens, output_tokens, cost_micros)
       VALUES ('live-1', now(), 'chat.completions', 'org-demo', 'team-a', 'gpt-4o-mini', 'openai', 200, 420, 100, 50, 45)`,
    );
    await h.prisma.$executeRawUnsafe(
      `INSERT INTO pii_incidents (id, request_id, org_id, entity_type, count, action, policy, recognizer, score, location)
       VALUES ('live-1:request:EMAIL_ADDRESS', 'live-1', 'org-demo', 'EMAIL_ADDRESS', 1, 'redact', 'global', 'email', 1, 'request')`,
    );
    const templates = await loadTemplates(h.prisma, "org-demo");
    expect(templates).toHaveLength(1);
    expect(templates[0]).toMatchObject({ requestedModel: "gpt-4o-mini", costMicros: 45, incidents: [{ entityType: "EMAIL_ADDRESS", action: "redact" }] });
  });
});
