// The overview API behind the dashboard: traffic sent through the SDK shows up in the signed-in
// user's overview (from the rollups); without a session it is 401; a bad range names the parameter.
// Before any traffic, the overview and cache pages say how to send the first request; the pages
// refresh at the configured dashboard.refresh_interval; with store_prompts: true the log detail
// shows the prompt; an internal API that fails leaves the page in its error state, with Retry.
import { readFileSync, writeFileSync } from "node:fs";
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { signInToDashboard } from "./support/dashboard-session";
import { watchConsole } from "./support/dashboard-demo";

const ADMIN = { email: "overview-admin@example.com", password: "overview-password-1" };
let fake: FakeUpstream;
let helix: HelixServer;
/** Not the default (5 s): the pages must use the configured interval. */
const REFRESH_SECONDS = 2;
const PROMPT = `overview ${Date.now()} [[words:20]]`;

test.describe.configure({ mode: "serial" });

/** The fixtures' config with prompts stored and a faster dashboard refresh. */
function overviewConfig(): string {
  const file = writeConfig(fake);
  const text = readFileSync(file, "utf8");
  const changed = text.replace(
    "  general: {store_prompts: false, max_body_bytes: 200000}\n",
    `  general: {store_prompts: true, max_body_bytes: 200000}\n  dashboard: {refresh_interval: ${REFRESH_SECONDS}}\n`,
  );
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
  return file;
}

async function settled(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("status", { name: "Loading" })).toHaveCount(0, { timeout: 20_000 });
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: overviewConfig(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, HELIX_EMBEDDINGS_OFFLINE: "true" });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

test("a fresh Helix: overview and cache say how to send the first request (zeros kept), refreshing every dashboard.refresh_interval", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, helix.url, ADMIN, "/dashboard?range=24h");
  await settled(page);
  const empty = page.getByTestId("no-traffic");
  await expect(empty).toContainText("No requests in this range yet");
  await expect(page.getByTestId("no-traffic-snippet")).toContainText(`${helix.url}/v1/chat/completions`);
  await expect(empty.getByRole("link", { name: "Keys" })).toHaveAttribute("href", "/dashboard/keys");
  await expect(empty).toContainText("npm run seed:demo");
  await expect(page.getByTestId("stat-requests-value")).toHaveText("0");
  await expect(page.getByTestId("chart-requests")).toHaveCount(0);

  // The configured interval: on the label, and in how often the page asks again.
  await expect(page.getByTestId("refresh-interval")).toHaveText(`Live · every ${REFRESH_SECONDS}s`);
  let polls = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/dashboard/overview")) polls++;
  });
  await page.waitForTimeout(9_000);
  // Every 2 s gives ~4 in 9 s; the default 5 s would give at most 2.
  expect(polls).toBeGreaterThanOrEqual(3);

  await page.goto(`${helix.url}/dashboard/cache?range=24h`);
  await settled(page);
  await expect(page.getByTestId("no-traffic")).toContainText("No requests in this range yet");
  await expect(page.getByTestId("stat-requests-value")).toHaveText("0");
  await expect(page.getByTestId("stat-hit-rate-value")).toBeVisible();
  await expect(page.getByTestId("card-backends")).toBeVisible();
  await expect(page.getByTestId("chart-hit-rate")).toHaveCount(0);
  console.check();
});

test("requests sent through the gateway appear in the overview of a signed-in user", async ({ page, request }) => {
  const unauthenticated = await request.get(`${helix.url}/api/dashboard/overview?range=1h`);
  expect(unauthenticated.status()).toBe(401);

  const client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-overview", maxRetries: 0 });
  const messages = [{ role: "user" as const, content: PROMPT }];
  const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
  const requestId = first.response.headers.get("x-helix-request-id")!;
  await client.chat.completions.create({ model: "gpt-4o-mini", messages }); // an exact-cache hit
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "fail [[status:500]]" }] }).catch(() => {});

  await signInToDashboard(page, helix.url, ADMIN);
  const bad = await page.request.get(`${helix.url}/api/dashboard/overview?range=2w`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.param).toBe("range");

  await expect
    .poll(async () => (await (await page.request.get(`${helix.url}/api/dashboard/overview?range=1h`)).json()).current.requests, { timeout: 15_000 })
    .toBe(3);
  const o = await (await page.request.get(`${helix.url}/api/dashboard/overview?range=1h`)).json();
  expect(o).toMatchObject({ object: "dashboard.overview", range: "1h", granularity: "minute" });
  expect(o.current).toMatchObject({ requests: 3, errors: 1, cache_hits: 1 });
  expect(o.current.spend_usd).toBeGreaterThan(0);
  expect(o.current.cache_savings_usd).toBeGreaterThan(0);
  expect(o.current.latency_p50_ms).not.toBeNull();

  // The page: figures instead of the first-request hint.
  const console = watchConsole(page);
  await page.goto(`${helix.url}/dashboard?range=1h`);
  await settled(page);
  await expect(page.getByTestId("stat-requests-value")).toHaveText("3");
  await expect(page.getByTestId("no-traffic")).toHaveCount(0);
  await expect(page.getByTestId("chart-requests")).toBeVisible();

  // store_prompts: true: the log detail shows what was sent.
  await page.goto(`${helix.url}/dashboard/logs?range=1h`);
  await settled(page);
  await page.locator(`[data-testid="log-row"][data-id="${requestId}"]`).click();
  const panel = page.getByTestId("log-detail");
  await expect(panel.getByTestId("log-detail-id")).toHaveText(requestId);
  await expect(panel.getByTestId("log-detail-prompt")).toContainText(PROMPT);
  await expect(panel.getByTestId("log-detail-prompt-note")).toHaveCount(0);
  const detail = await (await page.request.get(`${helix.url}/api/dashboard/logs/${requestId}`)).json();
  expect(detail).toMatchObject({ id: requestId, store_prompts: true, prompt_stored: true });
  expect(JSON.stringify(detail.prompt)).toContain(PROMPT);
  console.check();
});

test("an internal API that fails leaves the page in its error state (not blank), and Retry recovers", async ({ page }) => {
  await signInToDashboard(page, helix.url, ADMIN, "/dashboard/cache?range=1h");
  await settled(page);
  // Every call of the overview API fails from now on (the browser logs the 500s; not checked here).
  const overviewApi = (url: URL) => url.pathname === "/api/dashboard/overview";
  await page.route(overviewApi, (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: { message: "Injected failure for the test.", type: "server_error", param: null, code: null } }) }),
  );
  await page.goto(`${helix.url}/dashboard?range=1h`);
  const alert = page.getByRole("alert").filter({ hasText: "Could not load this: Injected failure for the test." });
  await expect(alert).toBeVisible({ timeout: 20_000 });
  // The frame is still there: navigation, range picker, heading.
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByLabel("Time range")).toBeVisible();
  await expect(page.getByTestId("stat-requests")).toHaveCount(0);
  // The API answers again: Retry shows the figures.
  await page.unroute(overviewApi);
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("stat-requests-value")).toHaveText("3", { timeout: 20_000 });
  await expect(alert).toHaveCount(0);
});
