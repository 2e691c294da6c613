// `npm run bench:dashboard`: server time of every dashboard API on a large database. Starts Helix
// (production build) on DATABASE_URL — by default a database seeded with
// `DATABASE_URL=… npm run seed:demo -- --requests 1000000` —, signs in as a dashboard admin, then
// asks each API for each time range: one warm-up, then --runs timed requests; reports the median
// and worst of the handler's own time (the `server-timing: app;dur=` header) and the round trip.
//
//   npm run bench:dashboard -- --database-url postgres://postgres@127.0.0.1:5432/helix_seed_1m_c [--runs 7]
import { parseArgs } from "node:util";
import pg from "pg";
import { startHelix } from "../e2e/support/helix-server";
import { ensureBuild } from "../scripts/lib/ensure-build";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/helix_seed_1m_c" },
    runs: { type: "string", default: "7" },
    ranges: { type: "string", default: "24h,30d,365d" },
  },
});
const RUNS = Number(values.runs);
const RANGES = values.ranges!.split(",");
const ADMIN = { email: "bench-admin@example.com", password: "bench-admin-password-1" };

/**
 * Every page's API calls; `{range}` is replaced, and `{key}`, `{team}`, `{log}` by a key, a team
 * and the newest log row of the database. Pages that ignore the range list one path.
 */
const ENDPOINTS: Array<{ page: string; path: string }> = [
  { page: "overview", path: "/api/dashboard/overview?range={range}" },
  { page: "cost", path: "/api/dashboard/cost?range={range}&dimension=model&top=6" },
  { page: "cost", path: "/api/dashboard/cost?range={range}&dimension=end_user&top=6" },
  { page: "cost", path: "/api/dashboard/cost?range={range}&dimension=key&top=6" },
  { page: "cost", path: "/api/dashboard/cost?range={range}&dimension=team&top=6" },
  { page: "cost", path: "/api/dashboard/cost/budgets" },
  { page: "cache", path: "/api/dashboard/cache?range={range}" },
  { page: "pii", path: "/api/dashboard/pii?range={range}" },
  { page: "pii", path: "/api/dashboard/pii/incidents?range={range}&limit=50" },
  { page: "pii", path: "/api/dashboard/pii/incidents?range={range}&limit=50&entity_type=IBAN_CODE&action=block" },
  { page: "leaderboards", path: "/api/dashboard/leaderboards?range={range}" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50&status=5xx" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50&cache=SEMANTIC_HIT&model=gpt-4o" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50&end_user=nobody-at-all" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50&key={key}" },
  { page: "logs", path: "/api/dashboard/logs?range={range}&limit=50&team={team}&status=4xx" },
  { page: "logs", path: "/api/dashboard/logs/{log}" },
  { page: "health", path: "/api/dashboard/health" },
  { page: "policies", path: "/helix/policies" },
  { page: "keys", path: "/helix/keys" },
  { page: "keys", path: "/helix/budgets?scope=key" },
  { page: "keys", path: "/helix/teams" },
  { page: "keys", path: "/helix/budgets?scope=team" },
  { page: "keys", path: "/helix/users" },
  { page: "users", path: "/api/dashboard/users" },
];

function cookieJar() {
  const jar = new Map<string, string>();
  return {
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
    take: (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair.indexOf("=");
        jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
    },
  };
}

/** The browser's credentials sign-in, done by hand: CSRF token, then the callback; keeps the session cookie. */
async function signIn(url: string): Promise<string> {
  const jar = cookieJar();
  const csrf = await fetch(`${url}/api/auth/csrf`);
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: url },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  jar.take(res);
  if (!/session-token/.test(jar.header())) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return jar.header();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  ensureBuild();
  const helix = await startHelix({ DATABASE_URL: values["database-url"], ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, MASTER_KEY: "sk-bench-dashboard-master", LOG_LEVEL: "warn" });
  try {
    const cookie = await signIn(helix.url);
    const db = new pg.Client({ connectionString: values["database-url"] });
    await db.connect();
    const n = Number((await db.query("SELECT count(*)::int AS n FROM request_logs")).rows[0].n).toLocaleString("en-US");
    const one = async (sql: string) => String((await db.query(sql)).rows[0]?.id ?? "none");
    const ids: Record<string, string> = {
      key: await one("SELECT id FROM api_keys ORDER BY created_at LIMIT 1"),
      team: await one("SELECT id FROM teams ORDER BY created_at LIMIT 1"),
      log: await one("SELECT id FROM request_logs ORDER BY created_at DESC LIMIT 1"),
    };
    await db.end();
    console.log(`Helix at ${helix.url} on ${values["database-url"]} (${n} request logs); ${RUNS} runs per API and range\n`);
    console.log("| page | API | range | server median ms | server max ms | round trip median ms |");
    console.log("|---|---|---|---:|---:|---:|");
    let worst = 0;
    for (const e of ENDPOINTS) {
      const ranges = e.path.includes("{range}") ? RANGES : ["—"];
      for (const range of ranges) {
        const path = e.path.replace("{range}", range).replace(/\{(key|team|log)\}/g, (_, k: string) => ids[k]);
        const server: number[] = [];
        const trip: number[] = [];
        for (let i = 0; i <= RUNS; i++) {
          const t0 = performance.now();
          const res = await fetch(`${helix.url}${path}`, { headers: { cookie } });
          await res.arrayBuffer();
          const dt = performance.now() - t0;
          if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
          const dur = Number(/dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? NaN);
          if (i === 0) continue; // warm-up: first query plans, connection pool
          server.push(dur);
          trip.push(dt);
        }
        worst = Math.max(worst, ...server);
        console.log(`| ${e.page} | \`${e.path.replace(/range=\{range\}&?/, "").replace(/\?$/, "").replace("{log}", "{id}")}\` | ${range} | ${median(server).toFixed(1)} | ${Math.max(...server).toFixed(1)} | ${median(trip).toFixed(1)} |`);
      }
    }
    console.log(`\nslowest single server time: ${worst.toFixed(1)} ms`);
  } finally {
    await helix.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
