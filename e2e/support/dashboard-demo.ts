// A Helix full of demo traffic for dashboard tests. `npm run seed:demo` (live requests through the
// real pipeline, then a synthetic month) runs once per source build into a template database;
// each test file gets its own copy (CREATE DATABASE … TEMPLATE, a file copy: seconds, not a re-seed).
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { startHelix, type HelixServer } from "./helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./fixtures";
import { signInToDashboard, type DashboardCredentials } from "./dashboard-session";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TEMPLATE = "helix_e2e_demo_template";
const LOCK = path.join(ROOT, "test-results", ".demo-seed.lock");

export const DEMO_ADMIN: DashboardCredentials = { email: "demo-admin@example.com", password: "demo-admin-password-1" };
export const DEMO_VIEWER: DashboardCredentials = { email: "demo-viewer@example.com", password: "demo-viewer-password-1" };

export interface DemoDashboard {
  helix: HelixServer;
  fake: FakeUpstream;
  masterKey: string;
  databaseUrl: string;
  stop: () => Promise<void>;
}

function urlFor(db: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The template, if seeded less than 3 hours ago (demo traffic is dated at seeding: "last 24h" must hold it). */
async function freshTemplateExists(): Promise<boolean> {
  return withAdmin(async (c) => {
    const r = await c.query<{ seeded: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS seeded FROM pg_database WHERE datname = $1",
      [TEMPLATE],
    );
    if (r.rowCount === 0) return false;
    const seeded = Date.parse(r.rows[0].seeded ?? "");
    if (Number.isFinite(seeded) && Date.now() - seeded < 3 * 3_600_000) return true;
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    return false;
  });
}

/** Seeds the template once per test run (the first file to ask does it; the others wait). */
async function ensureTemplate(): Promise<void> {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: one worker seeds
      break;
    } catch {
      // A lock older than 10 minutes belongs to a run that died.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 600_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  try {
    if (await freshTemplateExists()) return;
    const work = `${TEMPLATE}_building`;
    await withAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${work} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${work}`);
    });
    const r = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/seed-demo.ts", "--live", "160", "--requests", "6000", "--days", "30", "--seed", "7"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: urlFor(work), REDIS_URL: "", MASTER_KEY: "", NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 300_000,
    });
    if (r.status !== 0) throw new Error(`seed:demo failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    await withAdmin(async (c) => {
      await c.query(`ALTER DATABASE ${work} RENAME TO ${TEMPLATE}`);
      await c.query(`COMMENT ON DATABASE ${TEMPLATE} IS '${new Date().toISOString()}'`);
    });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * A Helix on a fresh copy of the demo database, with a dashboard admin (DEMO_ADMIN) and a master
 * key, pointed at a fake upstream of this test file's own. `extraConfig` is appended to helix.yaml.
 */
export async function startDemoDashboard(opts: { extraConfig?: string; env?: Record<string, string> } = {}): Promise<DemoDashboard> {
  await ensureTemplate();
  const db = `helix_e2e_demo_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${db} TEMPLATE ${TEMPLATE}`));
  const fake = await startFakeUpstream();
  const masterKey = `sk-master-${Math.random().toString(36).slice(2)}`;
  const databaseUrl = urlFor(db);
  const helix = await startHelix({
    ...upstreamEnv(fake),
    HELIX_CONFIG: writeConfig(fake, opts.extraConfig),
    DATABASE_URL: databaseUrl,
    MASTER_KEY: masterKey,
    ADMIN_EMAIL: DEMO_ADMIN.email,
    ADMIN_PASSWORD: DEMO_ADMIN.password,
    HELIX_EMBEDDINGS_OFFLINE: "true",
    ...opts.env,
  });
  return {
    helix,
    fake,
    masterKey,
    databaseUrl,
    stop: async () => {
      await helix.stop();
      await fake.close();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
    },
  };
}

/** Creates DEMO_VIEWER (once) through the admin's session; the page stays signed in as admin. */
export async function ensureDemoViewer(page: Page, baseUrl: string): Promise<void> {
  const r = await page.request.post(`${baseUrl}/api/dashboard/users`, { data: { ...DEMO_VIEWER, role: "viewer" }, headers: { origin: baseUrl } });
  expect([201, 409]).toContain(r.status());
}

/**
 * Collects console errors and failed page loads; `check()` fails the test if any happened.
 * Every dashboard test should end with it: a page that renders but logs errors is broken.
 */
export function watchConsole(page: Page): { errors: string[]; check: () => void } {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { errors, check: () => expect(errors, "console errors").toEqual([]) };
}

/**
 * A full-page screenshot: test-results/screenshots/<name>.png (the e2e run's artifacts, ignored
 * by git; Playwright empties test-results at the start of each run) and attached to the test.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(ROOT, "test-results", "screenshots", `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach(name, { path: file, contentType: "image/png" });
}

export { signInToDashboard };
