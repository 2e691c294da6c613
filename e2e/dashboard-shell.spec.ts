// The dashboard frame and the overview page on a seeded demo database: real figures from the
// rollups on screen, the time range in the URL, security headers, and the /helix admin API used
// with a dashboard session (admins write, viewers read, cross-site writes refused).
import { test, expect } from "@playwright/test";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";
import { formatCount, formatUsd } from "../lib/dashboard/format";

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

test("the overview shows the seeded traffic's figures from the API, for the range in the URL", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  for (const range of ["24h", "30d"] as const) {
    const api = await (await page.request.get(`${demo.helix.url}/api/dashboard/overview?range=${range}`)).json();
    expect(api.current.requests).toBeGreaterThan(0);
    await page.goto(`${demo.helix.url}/dashboard?range=${range}`);
    await expect(page.getByLabel("Time range")).toHaveValue(range);
    await expect(page.getByTestId("stat-requests-value")).toHaveText(formatCount(api.current.requests));
    await expect(page.getByTestId("stat-spend-value")).toHaveText(formatUsd(api.current.spend_usd));
    await expect(page.getByTestId("chart-requests").getByRole("application")).toBeVisible();
    await expect(page.getByTestId("chart-spend").locator(".recharts-bar-rectangle").first()).toBeVisible();
  }
  // The picker changes the URL and refetches.
  await page.getByLabel("Time range").selectOption("7d");
  await expect(page).toHaveURL(/range=7d/);
  const week = await (await page.request.get(`${demo.helix.url}/api/dashboard/overview?range=7d`)).json();
  await expect(page.getByTestId("stat-requests-value")).toHaveText(formatCount(week.current.requests));
  // Navigation keeps the range.
  await expect(page.getByRole("link", { name: "Cost" })).toHaveAttribute("href", "/dashboard/cost?range=7d");
  await screenshot(page, "overview");
  console.check();
});

test("dashboard pages carry security headers", async ({ request }) => {
  for (const path of ["/login", "/dashboard", "/api/dashboard/overview"]) {
    const r = await request.get(`${demo.helix.url}${path}`, { maxRedirects: 0 });
    const h = r.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).not.toContain("unsafe-eval");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["x-frame-options"], path).toBe("DENY");
  }
});

test("the /helix admin API with a dashboard session: viewers read, only admins write, no cross-site writes", async ({ page, browser }) => {
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN);
  await ensureDemoViewer(page, url);
  const keys = await page.request.get(`${url}/helix/keys`);
  expect(keys.status()).toBe(200);
  const created = await page.request.post(`${url}/helix/keys`, { data: { name: "made-in-dashboard" }, headers: { origin: url } });
  expect(created.status()).toBe(201);
  const crossSite = await page.request.post(`${url}/helix/keys`, { data: { name: "evil" }, headers: { origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  // Recorded as the dashboard user, not as "master".
  const budget = await page.request.put(`${url}/helix/budgets/global/global`, { data: { max_budget_usd: 1000, period: "monthly" }, headers: { origin: url } });
  expect(budget.status()).toBeLessThan(300);
  expect((await (await page.request.get(`${url}/helix/budgets/global/global`)).json()).updated_by).toBe(`dashboard:${DEMO_ADMIN.email}`);

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signInToDashboard(viewer, url, DEMO_VIEWER);
  expect((await viewer.request.get(`${url}/helix/keys`)).status()).toBe(200);
  expect((await viewer.request.get(`${url}/helix/budgets`)).status()).toBe(200);
  const refused = await viewer.request.post(`${url}/helix/keys`, { data: { name: "viewer-key" }, headers: { origin: url } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("admin_required");
  await viewerContext.close();

  // No session and no key: 401 that says how to authenticate.
  const anon = await fetch(`${url}/helix/keys`);
  expect(anon.status).toBe(401);
  expect((await anon.json()).error.message).toMatch(/master key|sign in/i);
});
