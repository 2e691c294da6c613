// The Cost and Leaderboards pages on a seeded demo database: the figures the APIs return are the
// ones on screen (names, not ids), charts render, budgets show their reset time, the range picker
// refetches, viewers see both pages, and the APIs refuse callers without a session.
import { test, expect, type Page } from "@playwright/test";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";
import { formatUsd } from "../lib/dashboard/format";

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

async function api<T = Record<string, unknown>>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${demo.helix.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

interface CostApi {
  totals: { spend_usd: number; cache_savings_usd: number; swap_savings_usd: number };
  groups: Array<{ value: string; name: string; spend_usd: number }>;
}
interface BudgetsApi {
  budgets: Array<{ scope: string; scope_id: string; name: string; spend_usd: number | null; used_pct: number | null; alert_thresholds: number[] }>;
  alerts: Array<{ id: string; scope: string; name: string; threshold: number }>;
}
interface BoardsApi {
  boards: Record<string, Array<{ name: string; value: string; spend_usd: number }>>;
  patterns: { by_hour: Array<{ requests: number }> };
}

test("the cost page shows the API's spend by team, budgets with reset times, alerts and savings", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/cost?range=30d");

  const byTeam = await api<CostApi>(page, "/api/dashboard/cost?range=30d&dimension=team&top=6");
  expect(byTeam.groups.length).toBeGreaterThan(0);
  const topTeam = byTeam.groups[0];
  expect(["Platform", "Research", "Support", "Marketing"]).toContain(topTeam.name); // a name, not an id

  await expect(page.getByTestId("stat-spend-value")).toHaveText(formatUsd(byTeam.totals.spend_usd));
  await page.getByTestId("dimension-team").click();
  await expect(page.getByTestId("dimension-team")).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/dimension=team/); // a shareable view
  const table = page.getByTestId("cost-table");
  await expect(table.getByRole("row").nth(1)).toContainText(topTeam.name);
  await expect(table.getByTestId(`cost-spend-${topTeam.value}`)).toHaveText(formatUsd(topTeam.spend_usd));
  await expect(page.getByTestId("chart-spend-by").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("chart-spend-by").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("chart-savings").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("savings-cache")).toHaveText(formatUsd(byTeam.totals.cache_savings_usd));

  // Budgets: named rows with spend and a reset time; the demo's Research team budget has alerts.
  const b = await api<BudgetsApi>(page, "/api/dashboard/cost/budgets");
  const research = b.budgets.find((x) => x.scope === "team" && x.name === "Research");
  expect(research, "Research team budget").toBeTruthy();
  const row = page.getByTestId(`budget-row-team-${research!.scope_id}`);
  await expect(row).toContainText("Research");
  await expect(row.getByTestId("budget-spend")).toHaveText(formatUsd(research!.spend_usd));
  await expect(row.getByTestId("budget-reset")).toContainText(/resets (in \d+ (min|h|days)|now), at /);
  // The thresholds its spend has crossed (the daily period may have just begun: then none).
  const crossed = research!.alert_thresholds.filter((t) => (research!.used_pct ?? 0) >= t);
  if (crossed.length > 0) await expect(row.getByTestId("budget-crossed")).toContainText(`${crossed.at(-1)}% crossed`);
  else await expect(row.getByTestId("budget-crossed")).toHaveCount(0);
  const keyBudget = b.budgets.find((x) => x.scope === "key");
  expect(keyBudget, "a key budget").toBeTruthy();
  await expect(page.getByTestId(`budget-row-key-${keyBudget!.scope_id}`)).toContainText(keyBudget!.name);
  expect(keyBudget!.name).not.toBe(keyBudget!.scope_id);
  expect(b.alerts.length).toBeGreaterThan(0);
  const alert = b.alerts[0];
  const alertRow = page.getByTestId(`alert-row-${alert.id}`);
  await expect(alertRow).toContainText(alert.name);
  await expect(alertRow).toContainText(`${alert.threshold}%`);

  // Another range: the page asks the API again and shows its figures.
  const refetch = page.waitForResponse((r) => r.url().includes("/api/dashboard/cost?") && r.url().includes("range=7d") && r.status() === 200);
  await page.getByLabel("Time range").selectOption("7d");
  await refetch;
  const week = await api<CostApi>(page, "/api/dashboard/cost?range=7d&dimension=team&top=6");
  await expect(page.getByTestId("stat-spend-value")).toHaveText(formatUsd(week.totals.spend_usd));
  await expect(table.getByTestId(`cost-spend-${week.groups[0].value}`)).toHaveText(formatUsd(week.groups[0].spend_usd));
  await page.getByLabel("Time range").selectOption("30d");
  await expect(page.getByTestId("stat-spend-value")).toHaveText(formatUsd(byTeam.totals.spend_usd));
  await screenshot(page, "cost");
  console.check();
});

test("the leaderboards page shows the top spenders per dimension and usage patterns", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/leaderboards?range=30d");
  const l = await api<BoardsApi>(page, "/api/dashboard/leaderboards?range=30d");
  for (const dim of ["team", "key", "model", "user"]) {
    const top = l.boards[dim][0];
    expect(top, dim).toBeTruthy();
    const first = page.getByTestId(`board-${dim}-row-0`);
    await expect(first.getByTestId("board-name")).toHaveText(top.name);
    await expect(first.getByTestId("board-spend")).toHaveText(formatUsd(top.spend_usd));
  }
  expect(l.boards.team[0].name).not.toBe(l.boards.team[0].value);
  expect(l.boards.team.length).toBeLessThanOrEqual(10);
  expect(l.patterns.by_hour.reduce((s, h) => s + h.requests, 0)).toBeGreaterThan(0);
  await expect(page.getByTestId("chart-by-hour").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("chart-by-weekday").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await screenshot(page, "leaderboards");
  console.check();
});

test("a viewer sees both pages; the APIs need a session and name bad parameters", async ({ page, browser }) => {
  const url = demo.helix.url;
  for (const path of ["/api/dashboard/cost?range=24h", "/api/dashboard/cost/budgets", "/api/dashboard/leaderboards?range=24h"]) {
    expect((await fetch(`${url}${path}`)).status, path).toBe(401);
  }
  await signInToDashboard(page, url, DEMO_ADMIN);
  await ensureDemoViewer(page, url);
  const bad = await page.request.get(`${url}/api/dashboard/cost?range=24h&dimension=colour`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.param).toBe("dimension");
  const badTop = await page.request.get(`${url}/api/dashboard/cost?range=24h&top=0`);
  expect(badTop.status()).toBe(400);
  expect((await badTop.json()).error.param).toBe("top");

  const context = await browser.newContext();
  const viewer = await context.newPage();
  const console = watchConsole(viewer);
  await signInToDashboard(viewer, url, DEMO_VIEWER, "/dashboard/cost?range=30d");
  const b = await api<BudgetsApi>(viewer, "/api/dashboard/cost/budgets");
  await expect(viewer.getByTestId(`budget-row-${b.budgets[0].scope}-${b.budgets[0].scope_id}`)).toBeVisible();
  await expect(viewer.getByTestId("chart-spend-by").locator("svg").first()).toBeVisible();
  await viewer.goto(`${url}/dashboard/leaderboards?range=30d`);
  const l = await api<BoardsApi>(viewer, "/api/dashboard/leaderboards?range=30d");
  await expect(viewer.getByTestId("board-team-row-0").getByTestId("board-name")).toHaveText(l.boards.team[0].name);
  console.check();
  await context.close();
});
