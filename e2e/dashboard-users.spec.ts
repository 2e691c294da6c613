// The Users page (dashboard accounts) on the seeded demo: an admin adds a user, changes their role
// (the user's very next API call reflects it), resets their password (ending their sessions), deletes them; nobody can
// demote or delete themselves (so the last admin stays); viewers get a notice and 403s.
import { test, expect, type Browser } from "@playwright/test";
import { DEMO_ADMIN, screenshot, signInToDashboard, startDemoDashboard, watchConsole, type DemoDashboard } from "./support/dashboard-demo";

test.setTimeout(180_000);
let demo: DemoDashboard;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  demo = await startDemoDashboard();
});
test.afterAll(async () => {
  await demo?.stop();
});

async function signedIn(browser: Browser, creds: { email: string; password: string }, path = "/dashboard") {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signInToDashboard(page, demo.helix.url, creds, path);
  return { ctx, page };
}

test("an admin manages dashboard users; role changes apply at the user's next call; self and last-admin guards hold", async ({ page, browser }) => {
  const console = watchConsole(page);
  const url = demo.helix.url;
  await signInToDashboard(page, url, DEMO_ADMIN, "/dashboard/users");
  const table = page.getByTestId("users-table");
  await expect(table).toContainText(DEMO_ADMIN.email);

  // Add a viewer through the dialog.
  const person = { email: `pat-${Date.now().toString(36)}@example.com`, password: "pat-initial-password" };
  await page.getByTestId("create-user").click();
  const dialog = page.getByTestId("create-user-dialog");
  await dialog.getByTestId("user-email").fill(person.email);
  await dialog.getByTestId("user-name").fill("Pat");
  await dialog.getByTestId("user-role").selectOption("viewer");
  await dialog.getByTestId("user-password").fill(person.password);
  await dialog.getByTestId("create-user-submit").click();
  await expect(dialog).toHaveCount(0);
  const row = page.getByTestId("user-row-email").filter({ hasText: person.email });
  await expect(row).toHaveCount(1);
  const id = (await row.getAttribute("data-user-id"))!;

  // What the page shows is what the API returns.
  const listed = (await (await page.request.get(`${url}/api/dashboard/users`)).json()).data as Array<{ id: string; email: string; role: string }>;
  expect(listed.find((u) => u.id === id)).toMatchObject({ email: person.email, role: "viewer", name: "Pat" });
  await expect(page.getByTestId("user-row-email")).toHaveCount(listed.length);

  // The viewer cannot manage users…
  const pat = await signedIn(browser, person);
  expect((await pat.page.request.get(`${url}/api/dashboard/users`)).status()).toBe(403);
  // …until the admin makes them an admin: their next call is allowed.
  await page.getByTestId(`user-role-${id}`).selectOption("admin");
  await expect.poll(async () => (await pat.page.request.get(`${url}/api/dashboard/users`)).status()).toBe(200);
  await page.getByTestId(`user-role-${id}`).selectOption("viewer");
  await expect.poll(async () => (await pat.page.request.get(`${url}/api/dashboard/users`)).status()).toBe(403);
  expect((await pat.page.request.get(`${url}/api/dashboard/me`)).status()).toBe(200);

  // Reset the password: Pat's existing session ends (a reset after a leak locks the leak out) and
  // the new password signs in.
  await page.getByTestId(`user-reset-${id}`).click();
  await page.getByTestId("reset-password").fill("pat-new-password-2");
  await page.getByTestId("reset-password-submit").click();
  await expect(page.getByTestId("reset-password-dialog")).toHaveCount(0);
  const ended = await pat.page.request.get(`${url}/api/dashboard/me`);
  expect(ended.status()).toBe(401);
  expect((await ended.json()).error.message).toMatch(/session has ended/);
  await pat.page.goto(`${url}/dashboard`);
  await expect(pat.page).toHaveURL(/\/login/);
  await pat.ctx.close();
  const again = await signedIn(browser, { email: person.email, password: "pat-new-password-2" });
  await again.ctx.close();
  // The admin's own session is untouched by someone else's reset.
  expect((await page.request.get(`${url}/api/dashboard/me`)).status()).toBe(200);

  // The signed-in admin cannot demote or delete themselves (the demo's only admin: the last one).
  const me = listed.find((u) => u.email === DEMO_ADMIN.email)!;
  await expect(page.getByTestId(`user-role-${me.id}`)).toBeDisabled();
  await expect(page.getByTestId(`user-delete-${me.id}`)).toBeDisabled();
  const origin = { origin: url };
  const selfDelete = await page.request.delete(`${url}/api/dashboard/users/${me.id}`, { headers: origin });
  expect(selfDelete.status()).toBe(409);
  expect((await selfDelete.json()).error.message).toMatch(/own account/);
  const selfDemote = await page.request.patch(`${url}/api/dashboard/users/${me.id}`, { data: { role: "viewer" }, headers: origin });
  expect(selfDemote.status()).toBe(409);
  expect(listed.filter((u) => u.role === "admin").map((u) => u.id)).toEqual([me.id]);

  await screenshot(page, "users");

  // Delete Pat through the dialog: Pat's session stops working at once.
  const patAgain = await signedIn(browser, { email: person.email, password: "pat-new-password-2" });
  await page.getByTestId(`user-delete-${id}`).click();
  await page.getByTestId("delete-user-confirm").click();
  await expect(page.getByTestId("user-row-email").filter({ hasText: person.email })).toHaveCount(0);
  expect((await patAgain.page.request.get(`${url}/api/dashboard/me`)).status()).toBe(401);
  await patAgain.ctx.close();
  console.check();
});
