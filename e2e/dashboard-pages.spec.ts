// Every dashboard page, as an admin and as a viewer, on the seeded demo database: it renders its
// heading and figures with no console errors, and leaves a screenshot (test-results/screenshots).
// Every internal and admin API route (found on disk, so a new one cannot be forgotten) refuses
// anonymous callers with 401, and viewers' writes with 403.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import { DASHBOARD_NAV } from "../lib/dashboard/nav";
import { startHelix } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig } from "./support/fixtures";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";

let demo: DemoDashboard;

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

test.beforeAll(async () => {
  test.setTimeout(420_000);
  demo = await startDemoDashboard();
});

test.afterAll(async () => {
  await demo?.stop();
});

/** Waits until the page has no loading placeholders left (data arrived) and no error blocks. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("status", { name: "Loading" })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole("alert").filter({ hasText: "Could not load" })).toHaveCount(0);
}

test("every page renders for an admin, with data and no console errors", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  for (const item of DASHBOARD_NAV) {
    await page.goto(`${demo.helix.url}${item.href}${item.noRange ? "" : "?range=30d"}`);
    await settled(page);
    // Seeded traffic means no page of figures is empty.
    if (!item.noRange) await expect(page.getByTestId("empty-state"), item.href).toHaveCount(0);
    await screenshot(page, `page-${item.href.split("/").pop()}`);
  }
  console.check();
});

test("every page renders for a viewer (admin-only pages say so), with no console errors", async ({ page, browser }) => {
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  await ensureDemoViewer(page, demo.helix.url);
  const context = await browser.newContext();
  const viewer = await context.newPage();
  const console = watchConsole(viewer);
  await signInToDashboard(viewer, demo.helix.url, DEMO_VIEWER);
  for (const item of DASHBOARD_NAV) {
    await viewer.goto(`${demo.helix.url}${item.href}`);
    if (item.adminOnly) {
      await expect(viewer.getByText(/admin/i).first()).toBeVisible();
      continue;
    }
    await settled(viewer);
  }
  // The sidebar hides admin-only pages from viewers.
  for (const item of DASHBOARD_NAV.filter((i) => i.adminOnly)) await expect(viewer.getByRole("link", { name: item.label, exact: true })).toHaveCount(0);
  console.check();
  await context.close();
});

/** Route files under app/api/<dir>, as [method, url path with dynamic segments filled]. */
function routes(dir: string): Array<[string, string]> {
  const root = path.resolve(import.meta.dirname, "../app/api");
  const out: Array<[string, string]> = [];
  const walk = (p: string) => {
    for (const name of readdirSync(p)) {
      const full = path.join(p, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts") {
        const methods = [...readFileSync(full, "utf8").matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
        const url = "/" + path.relative(root, path.dirname(full)).split(path.sep).map((s) => (s.startsWith("[") ? "x" : s)).join("/");
        for (const m of methods) out.push([m, `/api${url.replace(/^\/api/, "")}`]);
      }
    }
  };
  walk(path.join(root, dir));
  return out;
}

test("every internal and admin API refuses anonymous callers (401) and viewers' writes (403)", async ({ page, browser }) => {
  const all = [...routes("dashboard"), ...routes("helix")];
  expect(all.length).toBeGreaterThan(20);
  for (const [method, url] of all) {
    const r = await fetch(`${demo.helix.url}${url}`, { method, headers: { "content-type": "application/json" }, body: method === "GET" || method === "DELETE" ? undefined : "{}" });
    expect(r.status, `${method} ${url} without credentials`).toBe(401);
  }
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN);
  await ensureDemoViewer(page, demo.helix.url);
  const context = await browser.newContext();
  const viewer = await context.newPage();
  await signInToDashboard(viewer, demo.helix.url, DEMO_VIEWER);
  // Writes a viewer may make: previews that change nothing.
  // (`pii/test` with a `draft` needs admin; the empty body here has none.) Each entry must be a real
  // route, so the list cannot go stale and hide a write from this check.
  const readOnlyPosts = new Set(["POST /api/helix/pii/test"]);
  for (const entry of readOnlyPosts) expect(all.map(([m, u]) => `${m} ${u}`)).toContain(entry);
  for (const [method, url] of all) {
    if (method === "GET" || readOnlyPosts.has(`${method} ${url}`)) continue;
    const r = await viewer.request.fetch(`${demo.helix.url}${url}`, { method, data: method === "DELETE" ? undefined : {}, headers: { origin: demo.helix.url } });
    expect(r.status(), `${method} ${url} as a viewer`).toBe(403);
  }
  await context.close();
});

test("embedded mode (PGlite, no Redis, as `npm start` runs): every page renders with the traffic just sent", async ({ page }) => {
  const fake = await startFakeUpstream();
  const admin = { email: "embedded-admin@example.com", password: "embedded-password-1" };
  const helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, HELIX_EMBEDDINGS_OFFLINE: "true" });
  try {
    const client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-embedded-local", maxRetries: 0 });
    const messages = [{ role: "user" as const, content: `Mail jo@example.com about ${Date.now()} [[words:12]]` }];
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages }); // exact hit
    await client.embeddings.create({ model: "text-embedding-3-small", input: "hello" });
    const console = watchConsole(page);
    await signInToDashboard(page, helix.url, admin);
    await expect
      .poll(async () => (await (await page.request.get(`${helix.url}/api/dashboard/overview?range=1h`)).json()).current.requests, { timeout: 15_000 })
      .toBe(3);
    for (const item of DASHBOARD_NAV) {
      await page.goto(`${helix.url}${item.href}${item.noRange ? "" : "?range=1h"}`);
      await settled(page);
    }
    await page.goto(`${helix.url}/dashboard?range=1h`);
    await expect(page.getByTestId("stat-requests-value")).toHaveText("3");
    console.check();
  } finally {
    await helix.stop();
    await fake.close();
  }
});
