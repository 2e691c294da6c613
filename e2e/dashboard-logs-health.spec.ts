// The request log explorer and the system health page on the seeded demo database: a request sent
// through the OpenAI SDK shows up on top of the log, filters and paging behave (no repeats, even
// with traffic arriving while paging), the detail panel holds no prompt text with store_prompts
// off, and health shows the database and the providers' rollup figures. Viewers see both.
import { readdirSync } from "node:fs";
import path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import pg from "pg";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";
import { formatCount } from "../lib/dashboard/format";

let demo: DemoDashboard;

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

test.beforeAll(async () => {
  test.setTimeout(420_000); // the first dashboard spec to run seeds the demo database
  demo = await startDemoDashboard();
});

test.afterAll(async () => {
  await demo?.stop();
});

interface LogPage {
  data: Array<{ id: string; status: number; requested_model: string }>;
  next_cursor: string | null;
  has_more: boolean;
}

async function api<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${demo.helix.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

const rowIds = (page: Page) => page.getByTestId("log-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id") ?? ""));

test("the request log: a new request on top, filters, paging without repeats, a detail panel without prompt text", async ({ page }) => {
  const consoleErrors = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/logs?range=24h");

  const secret = `log-explorer prompt ${Date.now()} do not show`;
  const client = new OpenAI({ baseURL: demo.helix.baseURL, apiKey: demo.masterKey, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: secret }] }).withResponse();
  const requestId = response.headers.get("x-helix-request-id")!;
  expect(requestId).toBeTruthy();

  // The log writer batches: wait for the row, then for the live table to show it on top.
  await expect.poll(async () => (await api<LogPage>(page, "/api/dashboard/logs?range=1h&limit=1")).data[0]?.id, { timeout: 20_000 }).toBe(requestId);
  const top = page.getByTestId("log-row").first();
  await expect(top).toHaveAttribute("data-id", requestId, { timeout: 20_000 });
  await expect(top.getByTestId("log-model")).toHaveText("gpt-4o-mini");
  await expect(top).toHaveAttribute("data-status", "200");

  // The detail panel: the request's columns, and no prompt text (store_prompts: false).
  await top.click();
  const panel = page.getByTestId("log-detail");
  await expect(panel.getByTestId("log-detail-id")).toHaveText(requestId);
  await expect(panel.getByTestId("log-detail-prompt-note")).toHaveText("Prompts are not stored (general.store_prompts: false).");
  await expect(panel).toContainText("gpt-4o-mini");
  await expect(panel).not.toContainText(secret);
  const detail = await api<Record<string, unknown>>(page, `/api/dashboard/logs/${requestId}`);
  expect(detail).toMatchObject({ id: requestId, requested_model: "gpt-4o-mini", status: 200, prompt: null, response: null, store_prompts: false });
  expect(JSON.stringify(detail)).not.toContain(secret);
  await page.getByTestId("log-detail-close").click();
  await expect(panel).toHaveCount(0);

  // Paging: "Load more" appends the next page; requests arriving meanwhile do not repeat rows.
  const first = await rowIds(page);
  expect(first).toHaveLength(50);
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `while paging ${i} ${Date.now()}` }] });
  await page.getByTestId("logs-load-more").click();
  await expect(page.getByTestId("log-row")).toHaveCount(100);
  const paged = await rowIds(page);
  expect(new Set(paged).size).toBe(100);
  expect(paged.slice(0, 50)).toEqual(first);
  // The same rows as the API's first two pages once the new requests are logged: they sit on top
  // of the API's newest page, and the page's rows continue below them without a repeat or a gap.
  let fresh: string[] = [];
  let newOnes: string[] = [];
  await expect
    .poll(
      async () => {
        const p1 = await api<LogPage>(page, "/api/dashboard/logs?range=24h&limit=50");
        const p2 = await api<LogPage>(page, `/api/dashboard/logs?range=24h&limit=50&cursor=${p1.next_cursor}`);
        fresh = [...p1.data, ...p2.data].map((r) => r.id);
        newOnes = fresh.slice(0, Math.max(0, fresh.indexOf(first[0])));
        return newOnes.length;
      },
      { timeout: 20_000 },
    )
    .toBe(3);
  expect(paged.filter((id) => newOnes.includes(id))).toEqual([]);
  expect(paged.slice(0, fresh.length - newOnes.length)).toEqual(fresh.slice(newOnes.length));
  // Back to the newest page: the new requests are on top.
  await page.getByTestId("logs-newest").click();
  await expect(page.getByTestId("log-row").first()).toHaveAttribute("data-id", fresh[0]);

  // Status 5xx: only server errors, the same rows as the API, the filter kept in the URL.
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `boom ${Date.now()} [[status:500]]` }] }).catch(() => {});
  await expect.poll(async () => (await api<LogPage>(page, "/api/dashboard/logs?range=1h&status=5xx&limit=1")).data.length, { timeout: 20_000 }).toBe(1);
  await page.getByTestId("filter-status").selectOption("5xx");
  await expect(page).toHaveURL(/status=5xx/);
  const errors = await api<LogPage>(page, "/api/dashboard/logs?range=24h&status=5xx&limit=50");
  expect(errors.data.length).toBeGreaterThan(0);
  await expect(page.getByTestId("log-row").first()).toHaveAttribute("data-id", errors.data[0].id);
  const statuses = await page.getByTestId("log-row").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-status"))));
  expect(statuses.length).toBe(errors.data.length);
  expect(statuses.every((s) => s >= 500 && s < 600)).toBe(true);
  // A reload keeps the filter.
  await page.reload();
  await expect(page.getByTestId("filter-status")).toHaveValue("5xx");
  await expect(page.getByTestId("log-row").first()).toHaveAttribute("data-status", /^5\d\d$/);

  // A filter that matches nothing says so.
  await page.getByTestId("filter-model").fill("no-such-model");
  await page.getByTestId("filter-model").press("Enter");
  await expect(page).toHaveURL(/model=no-such-model/);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("filters-clear").click();
  await expect(page).not.toHaveURL(/status=|model=/);
  await expect(page.getByTestId("log-row")).toHaveCount(50);

  // A tampered cursor and a bad filter are 400s naming the parameter.
  const p1 = await api<LogPage>(page, "/api/dashboard/logs?range=24h&limit=5");
  const bad = await page.request.get(`${url}/api/dashboard/logs?cursor=${p1.next_cursor!.slice(0, -4)}x`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ type: "invalid_request_error", param: "cursor" });
  const badStatus = await page.request.get(`${url}/api/dashboard/logs?status=teapot`);
  expect(badStatus.status()).toBe(400);
  expect((await badStatus.json()).error.param).toBe("status");

  await screenshot(page, "logs");
  consoleErrors.check();
});

test("system health: database OK, providers with the rollups' request counts, instance and config", async ({ page }) => {
  const consoleErrors = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/health");
  await expect(page.getByTestId("health-database-status")).toHaveText("OK");
  await expect(page.getByTestId("health-database")).toContainText("PostgreSQL");

  // The openai provider's last-24-hour requests, straight from the rollups.
  const c = new pg.Client({ connectionString: demo.databaseUrl });
  await c.connect();
  let expected: number;
  try {
    const r = await c.query<{ n: string }>(
      `SELECT COALESCE(sum(requests), 0)::text AS n FROM usage_rollups WHERE granularity = 'hour' AND dimension = 'provider' AND value = 'openai'
         AND bucket >= date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '23 hours'`,
    );
    expected = Number(r.rows[0].n);
  } finally {
    await c.end();
  }
  expect(expected).toBeGreaterThan(0);
  const health = await api<{ providers: { list: Array<{ provider: string; last_24h: { requests: number } }> }; database: { migrations_applied: number } }>(page, "/api/dashboard/health");
  expect(health.providers.list.find((p) => p.provider === "openai")?.last_24h.requests).toBe(expected);
  const migrations = readdirSync(path.resolve(import.meta.dirname, "../prisma/migrations"), { withFileTypes: true }).filter((d) => d.isDirectory());
  expect(health.database.migrations_applied).toBe(migrations.length);
  const row = page.locator('[data-testid="provider-row"][data-provider="openai"]');
  await expect(row.locator("td").nth(4)).toHaveText(formatCount(expected));
  // Configured providers are listed even without traffic; the master key is set, so no warning.
  await expect(page.locator('[data-testid="provider-row"][data-provider="gemini"]')).toBeVisible();
  await expect(page.getByTestId("health-warning")).toHaveCount(0);
  await expect(page.getByTestId("health-config-hash")).toHaveText(/^[0-9a-f]{12}$/);
  await expect(page.getByTestId("health-instance")).toContainText("Node.js");
  await expect(page.getByTestId("health-policy-overlay")).toHaveText("none (config file only)");

  await screenshot(page, "health");
  consoleErrors.check();
});

test("viewers see the log and health; nobody without a session does", async ({ page, browser }) => {
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN);
  await ensureDemoViewer(page, url);

  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  const consoleErrors = watchConsole(viewer);
  await signInToDashboard(viewer, url, DEMO_VIEWER, "/dashboard/logs");
  await expect(viewer.getByTestId("log-row").first()).toBeVisible();
  await viewer.getByTestId("log-row").first().click();
  await expect(viewer.getByTestId("log-detail-prompt-note")).toBeVisible();
  await viewer.goto(`${url}/dashboard/health`);
  await expect(viewer.getByTestId("health-database-status")).toHaveText("OK");
  expect((await viewer.request.get(`${url}/api/dashboard/health`)).status()).toBe(200);
  expect((await viewer.request.get(`${url}/api/dashboard/logs`)).status()).toBe(200);
  consoleErrors.check();
  await ctx.close();

  for (const path of ["/api/dashboard/logs", "/api/dashboard/health", "/api/dashboard/logs/anything"]) {
    const r = await fetch(`${url}${path}`);
    expect(r.status, path).toBe(401);
  }
});
