// The Policies page, end to end on the seeded demo: an admin adds a custom PII recognizer (the
// live preview shows it working before saving), saves, and the next request through the OpenAI
// SDK reaches the fake upstream with that pattern redacted — on this instance at once and on a
// second instance sharing the database within seconds. Invalid drafts are shown inline and cannot
// be saved; a stale save is 409; viewers see everything read-only and their save is refused (403).
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { upstreamEnv, writeConfig } from "./support/fixtures";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";

let demo: DemoDashboard;
let second: HelixServer;
let apiKey: string;

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

test.beforeAll(async () => {
  test.setTimeout(420_000);
  demo = await startDemoDashboard();
  // A second gateway instance on the same database (as behind a load balancer).
  second = await startHelix({
    ...upstreamEnv(demo.fake),
    HELIX_CONFIG: writeConfig(demo.fake),
    DATABASE_URL: demo.databaseUrl,
    MASTER_KEY: demo.masterKey,
    HELIX_EMBEDDINGS_OFFLINE: "true",
  });
  const r = await fetch(`${demo.helix.url}/helix/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${demo.masterKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "policies-e2e", team: "policies-e2e" }),
  });
  expect(r.status).toBe(201);
  apiKey = ((await r.json()) as { key: string }).key;
});

test.afterAll(async () => {
  await second?.stop();
  await demo?.stop();
});

/** Sends a prompt through the SDK to `baseURL` and returns what the fake upstream received for it. */
async function upstreamSaw(baseURL: string, text: string): Promise<string> {
  const tag = `t${Date.now()}${Math.random().toString(36).slice(2, 8)}`;
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `${tag} ${text}` }] }, { headers: { "x-helix-cache": "bypass" } });
  const seen = demo.fake.requests.map((r) => JSON.stringify(r.body)).filter((b) => b.includes(tag));
  expect(seen).toHaveLength(1);
  return seen[0];
}

async function openPolicies(page: Page) {
  await page.goto(`${demo.helix.url}/dashboard/policies`);
  await expect(page.getByRole("heading", { level: 1, name: "Policies" })).toBeVisible();
  await expect(page.getByTestId("policy-pii")).toBeVisible({ timeout: 20_000 });
}

test("an admin adds a custom PII recognizer; the next SDK request has it redacted upstream, on both instances", async ({ page }) => {
  const console = watchConsole(page);
  // Before: the employee id goes through as is.
  expect(await upstreamSaw(`${demo.helix.url}/v1`, "Please escalate EMP-204816 today")).toContain("EMP-204816");

  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  await openPolicies(page);
  await expect(page.getByTestId("policy-version")).toContainText("No dashboard overrides");
  await expect(page.getByTestId("policy-history-empty")).toBeVisible();

  // The live preview runs the unsaved draft.
  await page.getByTestId("pii-test-input").fill("Employee EMP-123456 wrote from jo@example.com");
  await expect(page.getByTestId("pii-test-output")).toContainText("<EMAIL_ADDRESS>");
  await expect(page.getByTestId("pii-test-output")).toContainText("EMP-123456");

  await page.getByTestId("add-recognizer").click();
  await page.getByTestId("recognizer-name-0").fill("employee-id");
  await page.getByTestId("recognizer-entity-0").fill("EMPLOYEE_ID");
  // An invalid pattern is reported inline and cannot be saved.
  await page.getByTestId("recognizer-pattern-0").fill("EMP-(\\d{6}");
  await expect(page.getByTestId("recognizer-error-0")).toContainText("invalid pattern", { timeout: 10_000 });
  await expect(page.getByTestId("policy-pii-save")).toBeDisabled();
  await page.getByTestId("recognizer-pattern-0").fill("EMP-\\d{6}");
  await page.getByTestId("recognizer-context-0").fill("employee, staff");
  await expect(page.getByTestId("recognizer-error-0")).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId("pii-test-output")).toContainText("<EMPLOYEE_ID>", { timeout: 10_000 });
  await expect(page.getByTestId("pii-test-output")).not.toContainText("EMP-123456");
  await expect(page.getByTestId("pii-test-highlight").locator('mark[data-entity="EMPLOYEE_ID"]')).toHaveText(/EMP-123456/);
  await expect(page.getByTestId("policy-pii-pending")).toContainText("pii_protection.custom_recognizers");

  // Diff vs file before saving: nothing overridden yet.
  await page.getByTestId("policy-pii-diff-toggle").click();
  await expect(page.getByTestId("policy-pii-diff")).toContainText("Nothing here is overridden");

  await page.getByRole("textbox", { name: "PII protection: change comment" }).fill("redact employee ids");
  await expect(page.getByTestId("policy-pii-save")).toBeEnabled({ timeout: 10_000 });
  await page.getByTestId("policy-pii-save").click();
  await expect(page.getByTestId("policy-version")).toContainText("v1", { timeout: 15_000 });
  await expect(page.getByTestId("policy-version")).toContainText(DEMO_ADMIN.email);
  await expect(page.getByTestId("history-1")).toContainText("pii_protection.custom_recognizers");
  await expect(page.getByTestId("history-1")).toContainText("redact employee ids");
  await page.getByTestId("policy-pii-diff-toggle").click();
  await expect(page.getByTestId("policy-pii-diff")).toContainText("pii_protection.custom_recognizers");

  // The very next request on this instance: redacted before the provider sees it.
  const saw = await upstreamSaw(`${demo.helix.url}/v1`, "Please escalate EMP-204816 today");
  expect(saw).not.toContain("EMP-204816");
  expect(saw).toContain("<EMPLOYEE_ID>");
  // The other instance follows within seconds, without a restart.
  await expect.poll(async () => upstreamSaw(`${second.url}/v1`, "Ping EMP-777001 please"), { timeout: 15_000, intervals: [500, 1_000] }).toContain("<EMPLOYEE_ID>");

  // What the API says is what the page shows.
  const api = await (await page.request.get(`${demo.helix.url}/helix/policies`)).json();
  expect(api.version).toBe(1);
  expect(api.settings.pii_protection.custom_recognizers).toEqual([{ name: "employee-id", entity_type: "EMPLOYEE_ID", pattern: "EMP-\\d{6}", confidence_level: 0.8, context: ["employee", "staff"] }]);
  // A save from a stale version is refused.
  const stale = await page.request.put(`${demo.helix.url}/helix/policies`, { data: { base_version: 0, settings: {} }, headers: { origin: demo.helix.url } });
  expect(stale.status()).toBe(409);

  await page.getByTestId("pii-test-input").fill("Employee EMP-123456 wrote from jo@example.com");
  await expect(page.getByTestId("pii-test-output")).toContainText("<EMPLOYEE_ID>");
  await screenshot(page, "policies");
  console.check();
});

test("a viewer sees the policies read-only, and the server refuses their save", async ({ page, browser }) => {
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  await ensureDemoViewer(page, demo.helix.url);
  const context = await browser.newContext();
  const viewer = await context.newPage();
  const console = watchConsole(viewer);
  await signInToDashboard(viewer, demo.helix.url, DEMO_VIEWER);
  await openPolicies(viewer);
  await expect(viewer.getByTestId("policy-readonly")).toBeVisible();
  await expect(viewer.getByTestId("recognizer-pattern-0")).toBeDisabled();
  await expect(viewer.getByTestId("cache.ttl")).toBeDisabled();
  await expect(viewer.getByTestId("add-recognizer")).toBeDisabled();
  await expect(viewer.getByTestId("policy-pii-save")).toHaveCount(0);
  await expect(viewer.getByTestId("revert-0")).toHaveCount(0);
  await expect(viewer.getByTestId("history-1")).toBeVisible();
  // Viewers may still preview the saved policy.
  await viewer.getByTestId("pii-test-input").fill("ask EMP-999999");
  await expect(viewer.getByTestId("pii-test-output")).toContainText("<EMPLOYEE_ID>");

  const put = await viewer.request.put(`${demo.helix.url}/helix/policies`, { data: { base_version: 1, settings: {} }, headers: { origin: demo.helix.url } });
  expect(put.status()).toBe(403);
  const revert = await viewer.request.post(`${demo.helix.url}/helix/policies/revert/0`, { data: { base_version: 1 }, headers: { origin: demo.helix.url } });
  expect(revert.status()).toBe(403);
  const draft = await viewer.request.post(`${demo.helix.url}/helix/pii/test`, { data: { text: "x", draft: { action: "allow" } }, headers: { origin: demo.helix.url } });
  expect(draft.status()).toBe(403);
  expect((await (await page.request.get(`${demo.helix.url}/helix/policies`)).json()).version).toBe(1);
  await screenshot(viewer, "policies-viewer");
  console.check();
  await context.close();
});

test("an admin reverts to helix.yaml from the history; the next request is no longer redacted", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  await openPolicies(page);
  const timed = await page.request.get(`${demo.helix.url}/helix/policies`);
  // The handler's own time (server-timing): a few indexed rows, whatever the traffic volume.
  expect(Number(/app;dur=([\d.]+)/.exec(timed.headers()["server-timing"] ?? "")?.[1])).toBeLessThan(300);
  await page.getByTestId("revert-0").click();
  await page.getByTestId("revert-confirm-0").click();
  await expect(page.getByTestId("policy-version")).toContainText("v2", { timeout: 15_000 });
  await expect(page.getByTestId("history-2")).toContainText("Back to the config file");
  await expect(page.getByTestId("history-2")).toContainText("pii_protection.custom_recognizers");
  await expect(page.getByTestId("recognizer-0")).toHaveCount(0);
  expect(await upstreamSaw(`${demo.helix.url}/v1`, "Please escalate EMP-204816 today")).toContain("EMP-204816");
  console.check();
});
