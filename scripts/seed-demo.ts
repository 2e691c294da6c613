// `npm run seed:demo [-- --live 1500 --requests 1000000 --days 365]`: fills the database that
// `npm start` uses with demo traffic. First live requests through the real pipeline (a temporary
// Helix against the fake upstream: cost, cache, PII, budgets and rollups all real), then, when
// --requests asks for more, a synthetic history resampled from that traffic over the past days,
// written through the gateway's request-log writer so the rollups stay consistent.
import path from "node:path";
import { parseArgs } from "node:util";
import { env } from "@/lib/env";
import { openDb, type DbHandle } from "@/lib/store/db";
import { DEMO_ORG, runLiveTraffic } from "./lib/seed-live";
import { loadTemplates, profileTemplates, synthesizeHistory } from "./lib/seed-synth";

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../prisma/migrations");

function intArg(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

const usd = (micros: number) => `$${(micros / 1e6).toFixed(micros < 1e6 ? 4 : 2)}`;
const fmt = (n: number) => n.toLocaleString("en-US");

async function open(target: { databaseUrl?: string; pgliteDir: string }): Promise<DbHandle> {
  try {
    return await openDb({ databaseUrl: target.databaseUrl, pgliteDir: target.pgliteDir, migrationsDir: MIGRATIONS_DIR });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (!target.databaseUrl && /in use|lock/i.test(msg)) {
      throw new Error(`${msg}\nThe embedded database allows one process at a time: stop Helix first, or use PostgreSQL (DATABASE_URL).`);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      live: { type: "string" },
      requests: { type: "string" },
      days: { type: "string" },
      concurrency: { type: "string" },
      "batch-size": { type: "string" },
      writers: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(`npm run seed:demo -- [--live N] [--requests N] [--days N] [--concurrency N] [--seed N]
  --live N         requests sent through a temporary Helix against the fake upstream (default 1500)
  --requests N     total requests; the rest beyond --live are synthesized over the past days (default: --live)
  --days N         how far back the synthesized history goes (default 365)
  --concurrency N  live requests in flight (default 4)
  --batch-size N   synthesized rows per INSERT (default 5000); --writers N statements in flight (default 2)
Targets DATABASE_URL if set, else the embedded database in HELIX_DATA_DIR (default ./.helix).`);
    return;
  }
  const live = intArg(values.live, "live", 1_500);
  const total = intArg(values.requests, "requests", live);
  const days = intArg(values.days, "days", 365, 1);
  const concurrency = intArg(values.concurrency, "concurrency", 4, 1);
  const batchSize = intArg(values["batch-size"], "batch-size", 5_000, 1);
  const writers = intArg(values.writers, "writers", 2, 1);
  const seed = intArg(values.seed, "seed", Date.now() % 2 ** 31);

  const e = env();
  const target = { databaseUrl: e.DATABASE_URL, pgliteDir: path.resolve(e.HELIX_DATA_DIR, "pgdata") };
  const where = e.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `the embedded database in ${target.pgliteDir}`;
  console.log(`seed:demo → ${where}`);

  // Fails early (and clearly) when the embedded database is in use; applies migrations.
  await (await open(target)).close();

  const startedAt = new Date();
  let liveSent = 0;
  let nearBudgetTeamId: string | undefined;
  if (live > 0) {
    const r = await runLiveTraffic({
      requests: live,
      concurrency,
      databaseUrl: e.DATABASE_URL,
      dataDir: path.resolve(e.HELIX_DATA_DIR),
      redisUrl: e.REDIS_URL,
      seed,
      log: (m) => console.log(`  ${m}`),
    });
    liveSent = r.sent;
    nearBudgetTeamId = r.nearBudgetTeamId;
    const statuses = Object.entries(r.byStatus).map(([s, n]) => `${s}: ${n}`).join(", ");
    console.log(`live: ${fmt(r.sent)} requests in ${(r.ms / 1000).toFixed(1)} s (status ${statuses})`);
  }

  const db = await open(target);
  try {
    const prisma = db.prisma;
    const org = await prisma.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM organizations WHERE name = $1`, DEMO_ORG);
    const orgId = org[0]?.id;
    const synth = Math.max(0, total - liveSent);
    if (synth > 0) {
      if (!orgId) throw new Error(`no "${DEMO_ORG}" organisation yet: run with --live greater than 0 once first`);
      let templates = await loadTemplates(prisma, orgId);
      if (templates.length === 0) {
        const actors = await prisma.$queryRawUnsafe<Array<{ apiKeyId: string; userId: string | null; teamId: string | null; orgId: string | null }>>(
          `SELECT id AS "apiKeyId", user_id AS "userId", team_id AS "teamId", org_id AS "orgId" FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL`,
          orgId,
        );
        templates = profileTemplates(actors, 2_000, seed);
        console.log(`synthetic: no recorded demo traffic to imitate; using the built-in profile over ${actors.length} keys`);
      } else {
        console.log(`synthetic: imitating ${fmt(templates.length)} recorded demo requests`);
      }
      let lastLog = 0;
      const t0 = Date.now();
      const r = await synthesizeHistory({
        db: prisma,
        templates,
        rows: synth,
        days,
        batchSize,
        concurrency: writers,
        seed,
        now: startedAt,
        notToday: nearBudgetTeamId ? (t) => t.teamId === nearBudgetTeamId : undefined,
        onProgress: (written, all) => {
          const now = Date.now();
          if (now - lastLog < 2_000 && written < all) return;
          lastLog = now;
          const rate = written / Math.max(0.001, (now - t0) / 1000);
          const eta = rate > 0 ? (all - written) / rate : 0;
          console.log(`  synthetic: ${fmt(written)}/${fmt(all)} rows (${((100 * written) / all).toFixed(1)}%), ${fmt(Math.round(rate))} rows/s, ETA ${eta.toFixed(0)} s`);
        },
      });
      console.log(
        `synthetic: ${fmt(r.written)} rows (and ${fmt(r.incidents)} PII incidents) from ${r.from.toISOString().slice(0, 10)} to ${r.to.toISOString().slice(0, 10)} in ${(r.ms / 1000).toFixed(1)} s ` +
          `(${fmt(Math.round(r.written / Math.max(0.001, r.ms / 1000)))} rows/s)`,
      );
    }

    // After a bulk load: planner statistics and the visibility map (index-only scans) now, not
    // whenever autovacuum gets round to it (or never, where it is off).
    const t1 = Date.now();
    await prisma.$executeRawUnsafe("VACUUM (ANALYZE) request_logs, usage_rollups, pii_incidents, pii_rollups, budgets, api_keys, teams, users");
    console.log(`vacuum + analyze: ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    if (orgId) {
      const [s] = await prisma.$queryRawUnsafe<Array<{ requests: number; cost: number; hits: number; semantic: number; errors: number; savings: number }>>(
        `SELECT requests::float8, cost_micros::float8 AS cost, cache_hits::float8 AS hits, semantic_hits::float8 AS semantic, errors::float8, cache_savings_micros::float8 AS savings
         FROM (SELECT sum(requests) AS requests, sum(cost_micros) AS cost_micros, sum(cache_hits) AS cache_hits, sum(semantic_hits) AS semantic_hits,
           sum(errors) AS errors, sum(cache_savings_micros) AS cache_savings_micros
           FROM usage_rollups WHERE granularity = 'day' AND dimension = 'org' AND value = $1) t`,
        orgId,
      );
      const [pii] = await prisma.$queryRawUnsafe<Array<{ n: number; requests: number }>>(
        `SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS requests FROM pii_incidents WHERE org_id = $1`,
        orgId,
      );
      const [alerts] = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM budget_alerts`);
      console.log(`\n"${DEMO_ORG}" in total: ${fmt(s?.requests ?? 0)} requests, spend ${usd(s?.cost ?? 0)}, ` +
        `cache hits ${fmt(s?.hits ?? 0)} (${fmt(s?.semantic ?? 0)} semantic, ${usd(s?.savings ?? 0)} saved), errors ${fmt(s?.errors ?? 0)}, ` +
        `PII incidents ${fmt(pii?.n ?? 0)} (in ${fmt(pii?.requests ?? 0)} requests), budget alerts ${fmt(alerts?.n ?? 0)}`);
    }
    console.log(`\nNow run \`npm start\` (with the same ${e.DATABASE_URL ? "DATABASE_URL" : "HELIX_DATA_DIR"}) and open http://localhost:4000`);
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
