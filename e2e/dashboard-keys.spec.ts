// The Keys & teams page on the seeded demo: an admin creates a key with a tiny budget in the form,
// reads its secret from the one-time reveal, spends it through the OpenAI SDK until it is refused,
// and sees the spend and the 50/80/100 % alerts in the key's panel; the secret is never shown
// again; a revoked key gets 401; viewers see no create/revoke controls and are refused (403).
// Teams are created, renamed (their keys show the new name) and deleted once their keys are
// revoked; API users are created with a budget, moved between teams and deleted.
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import { DEMO_ADMIN, DEMO_VIEWER, ensureDemoViewer, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

let demo: DemoDashboard;

test.beforeAll(async () => {
  test.setTimeout(600_000); // the first file to ask seeds the demo template
  demo = await startDemoDashboard();
});
test.afterAll(async () => {
  await demo?.stop();
});

const usd = (n: number) => {
  // The page's formatUsd for sub-cent amounts (two significant digits).
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumSignificantDigits: 2 }).format(n);
};

/** Creates a key through the dialog and returns its id and the secret read from the reveal. */
async function createKeyInUi(page: Page, name: string, budget?: { max: string; period: string }, team = { name: "Platform", org: "Acme Demo" }): Promise<{ id: string; secret: string }> {
  await page.getByTestId("create-key").click();
  const dialog = page.getByTestId("create-key-dialog");
  await dialog.getByTestId("key-name").fill(name);
  await dialog.getByTestId("key-team").fill(team.name);
  await expect(dialog.getByTestId("key-org")).toHaveValue(team.org); // a known team brings its org
  if (budget) {
    await dialog.getByTestId("budget-max").fill(budget.max);
    await dialog.getByTestId("budget-period").selectOption(budget.period);
  }
  await dialog.getByTestId("create-key-submit").click();
  const reveal = page.getByTestId("key-reveal");
  await expect(reveal).toContainText("shown only once");
  const secret = await reveal.getByTestId("key-secret").inputValue();
  expect(secret).toMatch(/^sk-helix-/);
  await reveal.getByTestId("key-reveal-done").click();
  await expect(reveal).toHaveCount(0);
  const row = page.getByTestId("key-row-name").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  return { id: (await row.getAttribute("data-key-id"))!, secret };
}

async function openKey(page: Page, name: string) {
  await page.getByTestId("keys-search").fill(name);
  await page.getByTestId("key-row-name").filter({ hasText: name }).click();
  await expect(page.getByTestId("key-detail")).toContainText(name);
}

test("an admin creates a key with a tiny budget, uses it until it is refused, and sees the spend and the alerts", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN, "/dashboard/keys");
  await expect(page.getByTestId("keys-table")).toBeVisible();
  const name = `tiny-budget-${Date.now().toString(36)}`;
  const { id, secret } = await createKeyInUi(page, name, { max: "0.0005", period: "daily" });

  const budget = await (await page.request.get(`${demo.helix.url}/helix/budgets/key/${id}`)).json();
  expect(budget).toMatchObject({ scope: "key", scope_id: id, max_budget_usd: 0.0005, period: "daily", spend_usd: 0 });

  // ~100 output words at $0.60/M tokens ≈ $0.00008 a request: about seven fit in $0.0005.
  const client = new OpenAI({ baseURL: demo.helix.baseURL, apiKey: secret, maxRetries: 0 });
  let refused: { status?: number; error?: { type?: string } } | undefined;
  let answered = 0;
  for (let i = 0; i < 60 && !refused; i++) {
    await client.chat.completions
      .create({ model: "gpt-4o-mini", max_tokens: 160, messages: [{ role: "user", content: `tiny budget ${name} ${i} [[words:100]]` }] })
      .then(() => answered++)
      .catch((err: { status?: number; error?: { type?: string } }) => {
        refused = err;
      });
  }
  expect(refused?.status).toBe(429);
  expect(refused?.error?.type).toBe("budget_exceeded");
  expect(answered).toBeGreaterThanOrEqual(3);

  await expect
    .poll(async () => (await (await page.request.get(`${demo.helix.url}/helix/alerts?scope=key&scope_id=${id}`)).json()).data.map((a: { threshold: number }) => a.threshold).sort(), { timeout: 15_000 })
    .toEqual([100, 50, 80]);
  // The API's figures (settled by now: the alerts come after settlement), then the same on the page.
  const after = await (await page.request.get(`${demo.helix.url}/helix/budgets/key/${id}`)).json();
  expect(after.spend_usd).toBeGreaterThanOrEqual(0.0005);
  expect(after.used_pct).toBeGreaterThanOrEqual(100);

  await page.reload();
  await openKey(page, name);
  const detail = page.getByTestId("key-detail");
  await expect(detail.getByTestId("key-budget-spend")).toHaveText(usd(after.spend_usd));
  await expect(detail.getByTestId("key-budget-limit")).toHaveText("$0.0005 daily");
  await expect(detail.getByTestId("key-budget-pct")).toHaveText(`${after.used_pct.toFixed(1)}%`);
  await expect(detail).toContainText("exhausted: requests refused");
  await expect(detail.getByTestId("key-alert")).toHaveCount(3);
  expect(await detail.getByTestId("key-alert").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-threshold"))).sort((a, b) => a - b))).toEqual([50, 80, 100]);
  // The list shows it too: spend and percentage of the budget.
  await expect(page.getByTestId(`key-spend-${id}-spend`)).toHaveText(usd(after.spend_usd));
  await expect(page.getByTestId(`key-spend-${id}-pct`)).toHaveText(`${Math.round(after.used_pct)}%`);
  await screenshot(page, "keys");
  console.check();
});

test("the secret is shown once: a reload does not show it, and no API returns it", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN, "/dashboard/keys");
  const name = `once-${Date.now().toString(36)}`;
  const { secret } = await createKeyInUi(page, name);
  await page.reload();
  await openKey(page, name);
  await expect(page.getByTestId("key-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  expect(await (await page.request.get(`${demo.helix.url}/helix/keys`)).text()).not.toContain(secret);
  console.check();
});

test("a revoked key is refused (401) through the SDK", async ({ page }) => {
  const console = watchConsole(page);
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN, "/dashboard/keys");
  const name = `revoke-${Date.now().toString(36)}`;
  const { secret } = await createKeyInUi(page, name);
  const client = new OpenAI({ baseURL: demo.helix.baseURL, apiKey: secret, maxRetries: 0 });
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `before revoke ${name}` }] });

  await openKey(page, name);
  await page.getByTestId("key-revoke").click();
  await page.getByTestId("key-revoke-confirm").click();
  await expect(page.getByTestId("key-detail")).toContainText("revoked");
  await expect(page.getByTestId("key-revoke")).toHaveCount(0);
  const err = (await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `after revoke ${name}` }] }).catch((e) => e)) as { status?: number };
  expect(err.status).toBe(401);
  console.check();
});

test("a viewer sees no create or revoke controls, and the server refuses the viewer's writes", async ({ page, browser }) => {
  await signInToDashboard(page, demo.helix.url, DEMO_ADMIN, "/dashboard/keys");
  await ensureDemoViewer(page, demo.helix.url);
  const admins = await (await page.request.get(`${demo.helix.url}/api/dashboard/users`)).json();
  const adminId = admins.data.find((u: { email: string }) => u.email === DEMO_ADMIN.email).id;

  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  const console = watchConsole(viewer);
  await signInToDashboard(viewer, demo.helix.url, DEMO_VIEWER, "/dashboard/keys");
  await expect(viewer.getByTestId("keys-table")).toBeVisible();
  await expect(viewer.getByTestId("create-key")).toHaveCount(0);
  await viewer.getByTestId("key-row-name").first().click();
  await expect(viewer.getByTestId("key-detail")).toBeVisible();
  await expect(viewer.getByTestId("key-revoke")).toHaveCount(0);
  await expect(viewer.getByTestId("key-edit-budget")).toHaveCount(0);
  await viewer.getByTestId("tab-teams").click();
  await expect(viewer.getByTestId("teams-table")).toContainText("Platform");
  await expect(viewer.locator("[data-testid^=team-edit-]")).toHaveCount(0);
  await expect(viewer.getByTestId("create-team")).toHaveCount(0);
  await expect(viewer.locator("[data-testid^=team-rename-], [data-testid^=team-delete-]")).toHaveCount(0);
  await viewer.getByTestId("tab-users").click();
  await expect(viewer.getByTestId("api-users-table")).toBeVisible();
  await expect(viewer.getByTestId("create-api-user")).toHaveCount(0);
  await expect(viewer.locator("[data-testid^=user-edit-], [data-testid^=user-budget-], [data-testid^=user-delete-]")).toHaveCount(0);

  const origin = { origin: demo.helix.url };
  const post = await viewer.request.post(`${demo.helix.url}/helix/keys`, { data: { name: "viewer-forced" }, headers: origin });
  expect(post.status()).toBe(403);
  // Teams and API users: every write refused, nothing changed.
  const team = (await (await viewer.request.get(`${demo.helix.url}/helix/teams`)).json()).data[0] as { id: string; name: string };
  const apiUser = (await (await viewer.request.get(`${demo.helix.url}/helix/users`)).json()).data[0] as { id: string };
  const writes = [
    await viewer.request.post(`${demo.helix.url}/helix/teams`, { data: { name: "viewer-team" }, headers: origin }),
    await viewer.request.patch(`${demo.helix.url}/helix/teams/${team.id}`, { data: { name: "viewer-renamed" }, headers: origin }),
    await viewer.request.delete(`${demo.helix.url}/helix/teams/${team.id}`, { headers: origin }),
    await viewer.request.post(`${demo.helix.url}/helix/users`, { data: { external_id: "viewer-user" }, headers: origin }),
    await viewer.request.patch(`${demo.helix.url}/helix/users/${apiUser.id}`, { data: { name: "viewer" }, headers: origin }),
    await viewer.request.delete(`${demo.helix.url}/helix/users/${apiUser.id}`, { headers: origin }),
    await viewer.request.put(`${demo.helix.url}/helix/budgets/user/${apiUser.id}`, { data: { max_budget_usd: 1, period: "daily" }, headers: origin }),
  ];
  expect(writes.map((r) => r.status())).toEqual([403, 403, 403, 403, 403, 403, 403]);
  const teamsAfter = (await (await viewer.request.get(`${demo.helix.url}/helix/teams`)).json()).data as Array<{ id: string; name: string }>;
  expect(teamsAfter.find((t) => t.id === team.id)?.name).toBe(team.name);
  expect(teamsAfter.some((t) => t.name === "viewer-team")).toBe(false);
  const patch = await viewer.request.patch(`${demo.helix.url}/api/dashboard/users/${adminId}`, { data: { role: "viewer" }, headers: origin });
  expect(patch.status()).toBe(403);
  expect((await viewer.request.get(`${demo.helix.url}/api/dashboard/users`)).status()).toBe(403);

  await viewer.goto(`${demo.helix.url}/dashboard/users`);
  await expect(viewer.getByTestId("users-admin-only")).toContainText("Only admins");
  await expect(viewer.getByTestId("users-table")).toHaveCount(0);
  console.check();
  await ctx.close();
});

test("teams show their budgets; an admin sets a team's budget and limits; API users are listed as the API has them", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/keys");
  const teams = (await (await page.request.get(`${url}/helix/teams`)).json()).data as Array<{ id: string; name: string; keyCount: number }>;
  const platform = teams.find((t) => t.name === "Platform")!;
  expect(teams.filter((t) => t.name === "Platform")).toHaveLength(1); // keys created here joined it, no twin
  await page.getByTestId("tab-teams").click();
  const table = page.getByTestId("teams-table");
  for (const t of teams) await expect(table).toContainText(t.name);

  await page.getByTestId(`team-edit-${platform.id}`).click();
  const dialog = page.getByTestId("team-budget-dialog");
  await dialog.getByTestId("budget-max").fill("250");
  await dialog.getByTestId("budget-period").selectOption("monthly");
  await dialog.getByTestId("budget-rpm").fill("600");
  await dialog.getByTestId("budget-save").click();
  await expect(dialog).toHaveCount(0);
  const b = await (await page.request.get(`${url}/helix/budgets/team/${platform.id}`)).json();
  expect(b).toMatchObject({ max_budget_usd: 250, period: "monthly", rpm: 600 });
  await expect(page.getByTestId(`team-spend-${platform.id}`)).toContainText("$250.00");
  await expect(page.getByTestId(`team-spend-${platform.id}-pct`)).toHaveText(`${Math.round(b.used_pct)}%`);
  await expect(table.locator("tr", { has: page.getByTestId(`team-spend-${platform.id}`) })).toContainText("600 rpm");

  const users = (await (await page.request.get(`${url}/helix/users`)).json()).data as Array<{ external_id: string }>;
  await page.getByTestId("tab-users").click();
  await expect(page.getByTestId("api-users-table").locator("tbody tr")).toHaveCount(users.length);
  for (const u of users.slice(0, 3)) await expect(page.getByTestId("api-users-table")).toContainText(u.external_id);
  console.check();
});

test("an admin creates a team, creates a key in it, renames the team, cannot delete it while the key is active, then revokes the key and deletes it", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/keys");
  const suffix = Date.now().toString(36);
  const teamName = `Growth ${suffix}`;
  const renamed = `Lifecycle ${suffix}`;

  await page.getByTestId("tab-teams").click();
  await page.getByTestId("create-team").click();
  const dialog = page.getByTestId("team-dialog");
  await dialog.getByTestId("team-name").fill(teamName);
  await dialog.getByTestId("team-submit").click();
  await expect(dialog).toHaveCount(0);
  const row = page.getByTestId("team-row-name").filter({ hasText: teamName });
  await expect(row).toHaveCount(1);
  const teamId = (await row.getAttribute("data-team-id"))!;
  await expect(page.getByTestId(`team-keys-${teamId}`)).toHaveText("0");

  // The name is taken now: a second team of that name is refused, and the dialog says why.
  await page.getByTestId("create-team").click();
  await dialog.getByTestId("team-name").fill(teamName);
  const refused = page.waitForResponse((r) => r.url().endsWith("/helix/teams") && r.request().method() === "POST");
  await dialog.getByTestId("team-submit").click();
  expect((await refused).status()).toBe(409);
  await expect(dialog.getByTestId("form-error")).toContainText(`A team named '${teamName}' already exists`);
  // The browser logs the refused request itself: that one is expected, nothing else is.
  const expected = console.errors.filter((e) => /status of 409/.test(e));
  expect(expected).toHaveLength(1);
  console.errors.splice(console.errors.indexOf(expected[0]), 1);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  // A key created in that team joins it.
  await page.getByTestId("tab-keys").click();
  const keyName = `growth-key-${suffix}`;
  const { id: keyId } = await createKeyInUi(page, keyName, undefined, { name: teamName, org: "" });
  const keys = (await (await page.request.get(`${url}/helix/keys`)).json()).data as Array<{ id: string; team: string | null }>;
  expect(keys.find((k) => k.id === keyId)?.team).toBe(teamName);

  // Renamed: the key shows the new name.
  await page.getByTestId("tab-teams").click();
  await expect(page.getByTestId(`team-keys-${teamId}`)).toHaveText("1");
  await page.getByTestId(`team-rename-${teamId}`).click();
  await dialog.getByTestId("team-name").fill(renamed);
  await dialog.getByTestId("team-submit").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("team-row-name").filter({ hasText: renamed })).toHaveCount(1);
  await page.getByTestId("tab-keys").click();
  await page.getByTestId("keys-search").fill(keyName);
  await expect(page.getByTestId("keys-table").locator("tr", { has: page.getByTestId("key-row-name").filter({ hasText: keyName }) })).toContainText(renamed);

  // Not deletable while the key is active: the dialog says so and offers no delete.
  await page.getByTestId("tab-teams").click();
  await page.getByTestId(`team-delete-${teamId}`).click();
  const del = page.getByTestId("team-delete-dialog");
  await expect(del.getByTestId("team-delete-blocked")).toContainText("still has 1 active key");
  await expect(del.getByTestId("team-delete-confirm")).toHaveCount(0);
  await page.keyboard.press("Escape");
  // The server refuses it too.
  const direct = await page.request.delete(`${url}/helix/teams/${teamId}`, { headers: { origin: url } });
  expect(direct.status()).toBe(409);
  expect((await direct.json()).error).toMatchObject({ code: "team_has_keys" });

  // Revoke the key, then the team goes.
  await page.getByTestId("tab-keys").click();
  await openKey(page, keyName);
  await page.getByTestId("key-revoke").click();
  await page.getByTestId("key-revoke-confirm").click();
  await expect(page.getByTestId("key-detail")).toContainText("revoked");
  await page.getByTestId("tab-teams").click();
  await expect(page.getByTestId(`team-keys-${teamId}`)).toHaveText("0");
  await page.getByTestId(`team-delete-${teamId}`).click();
  await expect(del.getByTestId("team-delete-blocked")).toHaveCount(0);
  await del.getByTestId("team-delete-confirm").click();
  await expect(del).toHaveCount(0);
  await expect(page.getByTestId("team-row-name").filter({ hasText: renamed })).toHaveCount(0);
  const teams = (await (await page.request.get(`${url}/helix/teams`)).json()).data as Array<{ id: string }>;
  expect(teams.some((t) => t.id === teamId)).toBe(false);
  console.check();
});

test("an admin creates an API user in a team, sets the user's budget and limits, moves the user out of the team and deletes the user", async ({ page }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/keys");
  const externalId = `ops-${Date.now().toString(36)}@example.com`;

  await page.getByTestId("tab-users").click();
  await page.getByTestId("create-api-user").click();
  const dialog = page.getByTestId("api-user-dialog");
  await dialog.getByTestId("user-external-id").fill(externalId);
  await dialog.getByTestId("user-name").fill("Ops Robot");
  await dialog.getByTestId("user-team").selectOption({ label: "Platform (Acme Demo)" });
  await dialog.getByTestId("user-submit").click();
  await expect(dialog).toHaveCount(0);
  const row = page.getByTestId("api-user-row-name").filter({ hasText: externalId });
  await expect(row).toHaveCount(1);
  const userId = (await row.getAttribute("data-user-id"))!;
  const tr = page.getByTestId("api-users-table").locator("tr", { has: row });
  await expect(tr).toContainText("Ops Robot");
  await expect(tr).toContainText("Platform");
  await expect(tr).toContainText("Acme Demo");

  await page.getByTestId(`user-budget-${userId}`).click();
  const budget = page.getByTestId("user-budget-dialog");
  await budget.getByTestId("budget-max").fill("40");
  await budget.getByTestId("budget-period").selectOption("weekly");
  await budget.getByTestId("budget-rpm").fill("90");
  await budget.getByTestId("budget-save").click();
  await expect(budget).toHaveCount(0);
  const b = await (await page.request.get(`${url}/helix/budgets/user/${userId}`)).json();
  expect(b).toMatchObject({ scope: "user", scope_id: userId, max_budget_usd: 40, period: "weekly", rpm: 90, spend_usd: 0 });
  await expect(page.getByTestId(`user-spend-${userId}`)).toContainText("$40.00");
  await expect(tr).toContainText("90 rpm");
  await expect(page.getByTestId(`user-budget-${userId}`)).toHaveText("Edit budget");

  await page.getByTestId(`user-edit-${userId}`).click();
  await dialog.getByTestId("user-team").selectOption("");
  await dialog.getByTestId("user-submit").click();
  await expect(dialog).toHaveCount(0);
  const users = (await (await page.request.get(`${url}/helix/users`)).json()).data as Array<{ id: string; team_id: string | null; name: string | null }>;
  expect(users.find((u) => u.id === userId)).toMatchObject({ team_id: null, name: "Ops Robot" });

  await page.getByTestId(`user-delete-${userId}`).click();
  await page.getByTestId("user-delete-confirm").click();
  await expect(page.getByTestId("user-delete-dialog")).toHaveCount(0);
  await expect(row).toHaveCount(0);
  expect((await page.request.get(`${url}/helix/budgets/user/${userId}`)).status()).toBe(404);
  console.check();
});
