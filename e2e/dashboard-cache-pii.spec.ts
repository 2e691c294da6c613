// The cache and PII pages on the seeded demo database: requests sent through the official SDK (an
// exact-cache hit, an email in the prompt) show up in the APIs, and the pages show the APIs'
// figures, charts and the incident (never the value); viewers read both pages, cannot clear the
// cache (no button, 403); the APIs refuse anonymous callers and name bad parameters.
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";
import { formatCount, formatPct, formatUsd } from "../lib/dashboard/format";
import type { CacheResponse } from "../components/dashboard/cache/cache-view";
import type { Incident, IncidentList, PiiResponse } from "../components/dashboard/pii/pii-view";

let demo: DemoDashboard;
const RUN = Date.now().toString(36);
const EMAIL = `cache.pii.${RUN}@example-e2e.org`;
const KEY_NAME = `cache-pii-e2e-${RUN}`;
const MESSAGES = [{ role: "user" as const, content: `Please write to ${EMAIL} about order ${RUN} [[words:12]]` }];
/** The Platform key's client (first test), reused to show the cleared cache misses. */
let client: OpenAI;

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

test.beforeAll(async () => {
  test.setTimeout(420_000); // the first dashboard spec to run seeds the demo database
  demo = await startDemoDashboard();
});

test.afterAll(async () => {
  await demo?.stop();
});

async function api<T = CacheResponse>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${demo.helix.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

async function settled(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("status", { name: "Loading" })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Could not load" })).toHaveCount(0);
}

test("SDK traffic with an exact hit and an email shows on the cache and PII pages, as the APIs report it", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN);
  // The 1h range slides: a seeded minute can leave it while we wait, so compare the minute buckets
  // from the test's start on, not the range's totals.
  const since = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const recent = (c: CacheResponse) => {
    const points = c.series.filter((p) => p.bucket >= since);
    const sum = (k: "requests" | "exact_hits" | "savings_usd" | "saved_ms") => points.reduce((s, p) => s + p[k], 0);
    return { requests: sum("requests"), exact_hits: sum("exact_hits"), savings_usd: sum("savings_usd"), saved_ms: sum("saved_ms") };
  };
  const before = recent(await api(page, "/api/dashboard/cache?range=1h"));

  // A key of the demo's Platform team, then the same prompt twice: a miss, then an exact hit.
  const created = await fetch(`${url}/helix/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${demo.masterKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: KEY_NAME, team: "Platform", org: "Acme Demo" }),
  });
  expect(created.status).toBe(201);
  client = new OpenAI({ baseURL: demo.helix.baseURL, apiKey: (await created.json()).key, maxRetries: 0 });
  const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages: MESSAGES }).withResponse();
  const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages: MESSAGES }).withResponse();
  expect(first.response.headers.get("x-helix-cache")).toBe("MISS");
  expect(second.response.headers.get("x-helix-cache")).toBe("HIT");
  const requestIds = [first.response.headers.get("x-helix-request-id"), second.response.headers.get("x-helix-request-id")];

  // Logs, rollups and incidents are written after the response, in batches.
  await expect
    .poll(async () => recent(await api(page, "/api/dashboard/cache?range=1h")).requests - before.requests, { timeout: 20_000 })
    .toBe(2);
  const cache = await api(page, "/api/dashboard/cache?range=1h");
  expect(cache).toMatchObject({ object: "dashboard.cache", range: "1h", granularity: "minute" });
  const after = recent(cache);
  expect(after.exact_hits - before.exact_hits).toBe(1);
  expect(after.savings_usd).toBeGreaterThan(before.savings_usd);
  expect(after.saved_ms).toBeGreaterThanOrEqual(before.saved_ms);
  expect(cache.live.answers?.entries ?? 0).toBeGreaterThan(0);
  expect(cache.similarity.buckets.at(-1)).toMatchObject({ lower: 0.99 });

  let mine: Incident[] = [];
  await expect
    .poll(
      async () => {
        const list = await api<IncidentList>(page, `/api/dashboard/pii/incidents?range=1h&entity_type=EMAIL_ADDRESS&limit=200`);
        mine = list.data.filter((i) => i.key === KEY_NAME);
        return mine.length;
      },
      { timeout: 20_000 },
    )
    .toBe(2);
  expect(mine.map((i) => i.request_id).sort()).toEqual([...requestIds].sort());
  expect(mine[0]).toMatchObject({ team: "Platform", entity_type: "EMAIL_ADDRESS", action: "redact", location: "messages", count: 1 });
  expect(JSON.stringify(mine)).not.toContain(EMAIL);

  // The cache page shows the API's figures.
  await page.goto(`${url}/dashboard/cache?range=1h`);
  await settled(page);
  await expect(page.getByTestId("stat-hit-rate-value")).toHaveText(formatPct(cache.current.hit_rate));
  await expect(page.getByTestId("stat-exact-rate-value")).toHaveText(formatPct(cache.current.exact_hit_rate));
  await expect(page.getByTestId("stat-cost-avoided-value")).toHaveText(formatUsd(cache.current.savings_usd));
  await expect(page.getByTestId("stat-requests-value")).toHaveText(formatCount(cache.current.requests));
  await expect(page.getByTestId("stat-answers-value")).toHaveText(formatCount(cache.live.answers?.entries));
  await expect(page.getByTestId("chart-hit-rate").locator("svg.recharts-surface").first()).toBeVisible();
  await expect(page.getByTestId("chart-hits").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("answer-store")).toHaveText(`${cache.live.answer_store} store`);
  await expect(page.getByTestId("card-backends")).toContainText(cache.live.vector_store.reason);

  // Over the seeded month: the similarity histogram (or its empty state) and the threshold.
  const month = await api(page, "/api/dashboard/cache?range=30d");
  await page.goto(`${url}/dashboard/cache?range=30d`);
  await settled(page);
  await expect(page.getByTestId("stat-hit-rate-value")).toHaveText(formatPct(month.current.hit_rate));
  await expect(page.getByTestId("stat-semantic-rate-value")).toHaveText(formatPct(month.current.semantic_hit_rate));
  if (month.similarity.total > 0) {
    await expect(page.getByTestId("chart-similarity").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId("chart-similarity").locator(".recharts-reference-line")).not.toHaveCount(0);
  } else {
    await expect(page.getByTestId("similarity-empty")).toBeVisible();
  }
  await screenshot(page, "cache");

  // The PII page: totals from the API, our incident in the log (no value), filters and pages.
  const pii = await api<PiiResponse>(page, "/api/dashboard/pii?range=24h");
  expect(pii.by_entity_type.find((g) => g.entity_type === "EMAIL_ADDRESS")?.detections).toBeGreaterThanOrEqual(2);
  expect(pii.by_team.some((g) => g.team === "Platform")).toBe(true);
  await page.goto(`${url}/dashboard/pii?range=24h`);
  await settled(page);
  await expect(page.getByTestId("stat-detections-value")).toHaveText(formatCount(pii.detections));
  await expect(page.getByTestId("stat-incidents-value")).toHaveText(formatCount(pii.incidents));
  await expect(page.getByTestId("pii-by-entity")).toContainText("EMAIL_ADDRESS");
  await expect(page.getByTestId("pii-by-team")).toContainText("Platform");
  await expect(page.getByTestId("chart-pii-series").locator(".recharts-bar-rectangle").first()).toBeVisible();

  // Over time by action and by team too: our two redacted emails (Platform) are in the 24 h series.
  const platform = pii.by_team.find((g) => g.team === "Platform")!;
  const seriesTotal = (series: PiiResponse["series"], key: string) => series.reduce((t, p) => t + (p.counts[key] ?? 0), 0);
  expect(seriesTotal(pii.series_by_action, "redact")).toBe(pii.by_action.find((g) => g.action === "redact")?.detections);
  expect(seriesTotal(pii.series_by_team, platform.team_id)).toBe(platform.detections);
  expect(seriesTotal(pii.series_by_action, "redact")).toBeGreaterThanOrEqual(2);
  expect(seriesTotal(pii.series_by_team, platform.team_id)).toBeGreaterThanOrEqual(2);
  // Our requests' hour holds them in both series (the seed may add more there).
  const ours = new Date(Math.floor(new Date(mine[0].created_at).getTime() / 3_600_000) * 3_600_000).toISOString();
  expect(pii.series_by_action.find((p) => p.bucket === ours)?.counts.redact ?? 0).toBeGreaterThanOrEqual(2);
  expect(pii.series_by_team.find((p) => p.bucket === ours)?.counts[platform.team_id] ?? 0).toBeGreaterThanOrEqual(2);
  // The chart's selector, kept in the URL: by team, then by action.
  const chartCard = page.locator("section").filter({ has: page.getByTestId("chart-pii-series") });
  await page.getByTestId("pii-series-team").click();
  await expect(page).toHaveURL(/[?&]by=team/);
  await expect(page.getByTestId("pii-series-team")).toHaveAttribute("aria-selected", "true");
  await expect(chartCard.getByRole("heading", { name: "Detections by team" })).toBeVisible();
  await expect(page.getByTestId("chart-pii-series").locator(".recharts-bar-rectangle").first()).toBeVisible();
  if (pii.by_team.length > 1) await expect(page.getByTestId("chart-pii-series").locator(".recharts-legend-wrapper")).toContainText("Platform");
  await page.getByTestId("pii-series-action").click();
  await expect(page).toHaveURL(/[?&]by=action/);
  await expect(chartCard.getByRole("heading", { name: "Detections by action" })).toBeVisible();
  if (pii.by_action.length > 1) await expect(page.getByTestId("chart-pii-series").locator(".recharts-legend-wrapper")).toContainText("redact");
  // A shared link opens on the same breakdown.
  await page.reload();
  await settled(page);
  await expect(page.getByTestId("pii-series-action")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("chart-pii-series").locator(".recharts-bar-rectangle").first()).toBeVisible();
  const table = page.getByTestId("incident-table");
  // Newest first: our two requests head the log.
  await expect(table.locator("tbody tr").first()).toContainText(KEY_NAME);
  await expect(table.locator(`[data-request-id="${requestIds[1]}"]`)).toBeVisible();
  await expect(page.locator("body")).not.toContainText(EMAIL);
  await screenshot(page, "pii");

  // Filters: one entity type only.
  const other = pii.by_entity_type.find((g) => g.entity_type !== "EMAIL_ADDRESS");
  if (other) {
    await page.getByTestId("filter-entity").selectOption(other.entity_type);
    await expect(table.getByTestId("incident-entity").first()).toHaveText(other.entity_type);
    await expect(table.getByTestId("incident-entity").filter({ hasNotText: other.entity_type })).toHaveCount(0);
    await page.getByTestId("filter-entity").selectOption("");
  }
  // Older pages: the next 25, none repeated.
  if (pii.incidents > 25) {
    const firstPage = await table.locator("tbody tr").allTextContents();
    await page.getByTestId("incidents-older").click();
    await expect(page.getByText("Page 2")).toBeVisible();
    await expect(table.locator("tbody tr").first()).not.toHaveText(firstPage[0]);
    const secondPage = await table.locator("tbody tr").allTextContents();
    expect(secondPage.filter((r) => firstPage.includes(r))).toEqual([]);
    await page.getByTestId("incidents-newer").click();
    await expect(table.locator("tbody tr").first()).toHaveText(firstPage[0]);
  }
  console.check();
});

test("viewers see both pages but cannot clear the cache; the APIs refuse anonymous callers and bad parameters", async ({ page, browser }) => {
  const url = demo.helix.url;
  for (const path of ["/api/dashboard/cache", "/api/dashboard/pii", "/api/dashboard/pii/incidents"]) {
    expect((await fetch(`${url}${path}?range=24h`)).status, path).toBe(401);
  }
  await signInToDashboard(page, url, DEMO_ADMIN);
  await ensureDemoViewer(page, url);
  for (const [path, param] of [
    ["/api/dashboard/cache?range=2w", "range"],
    ["/api/dashboard/pii?range=2w", "range"],
    ["/api/dashboard/pii/incidents?action=explode", "action"],
    ["/api/dashboard/pii/incidents?cursor=not-a-cursor", "cursor"],
    ["/api/dashboard/pii/incidents?limit=5000", "limit"],
  ] as const) {
    const r = await page.request.get(`${url}${path}`);
    expect(r.status(), path).toBe(400);
    expect((await r.json()).error.param, path).toBe(param);
  }

  const context = await browser.newContext();
  const viewer = await context.newPage();
  const console = watchConsole(viewer);
  await signInToDashboard(viewer, url, DEMO_VIEWER);
  const cache = (await (await viewer.request.get(`${url}/api/dashboard/cache?range=24h`)).json()) as CacheResponse;
  await viewer.goto(`${url}/dashboard/cache?range=24h`);
  await settled(viewer);
  await expect(viewer.getByTestId("stat-hit-rate-value")).toHaveText(formatPct(cache.current.hit_rate));
  await expect(viewer.getByTestId("clear-cache")).toHaveCount(0);
  const refused = await viewer.request.delete(`${url}/helix/cache?all=true`, { headers: { origin: url } });
  expect(refused.status()).toBe(403);
  const pii = (await (await viewer.request.get(`${url}/api/dashboard/pii?range=24h`)).json()) as PiiResponse;
  await viewer.goto(`${url}/dashboard/pii?range=24h`);
  await settled(viewer);
  await expect(viewer.getByTestId("stat-detections-value")).toHaveText(formatCount(pii.detections));
  await expect(viewer.getByTestId("incident-table").locator("tbody tr").first()).toBeVisible();
  console.check();
  await context.close();
});

test("an admin clears the cache from the page: the stores empty and the next identical request misses", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN);
  await page.goto(`${url}/dashboard/cache?range=1h`);
  await settled(page);
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("clear-cache").click();
  await expect(page.getByRole("status").filter({ hasText: /Dropped \d+ answers/ })).toBeVisible();
  await expect.poll(async () => (await api(page, "/api/dashboard/cache?range=1h")).live.answers?.entries).toBe(0);
  await expect(page.getByTestId("stat-answers-value")).toHaveText("0");
  // The prompt that was an exact hit in the first test goes upstream again.
  const again = await client.chat.completions.create({ model: "gpt-4o-mini", messages: MESSAGES }).withResponse();
  expect(again.response.headers.get("x-helix-cache")).toBe("MISS");
  console.check();
});
