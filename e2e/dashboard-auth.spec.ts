// Dashboard sign-in in Chromium: session-protected pages and internal APIs, roles, sign-out,
// the login rate limit, and the first-run setup page.
import { networkInterfaces } from "node:os";
import { test, expect, type Page } from "@playwright/test";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeOidc, type FakeOidc } from "./support/fake-oidc";
import { signInToDashboard } from "./support/dashboard-session";
import { screenshot } from "./support/dashboard-demo";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const VIEWER = { email: "viewer@example.com", password: "viewer-password-1" };

/** Console errors and uncaught exceptions on a page; `allow` lists expected messages. */
function watchConsole(page: Page): { errors: string[]; allow: RegExp[] } {
  const watch = { errors: [] as string[], allow: [] as RegExp[] };
  page.on("console", (m) => {
    if (m.type() === "error" && !watch.allow.some((r) => r.test(m.text()))) watch.errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => watch.errors.push(e.message));
  return watch;
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("with ADMIN_EMAIL and ADMIN_PASSWORD", () => {
  test.describe.configure({ mode: "serial" });
  let helix: HelixServer;

  test.beforeAll(async () => {
    helix = await startHelix({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  });
  test.afterAll(async () => {
    await helix?.stop();
  });

  test("a dashboard page without a session redirects to the sign-in page and back", async ({ page }) => {
    const logs = watchConsole(page);
    await page.goto(`${helix.url}/dashboard?range=7d`);
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard%3Frange%3D7d$/);
    await expect(page.getByRole("heading", { name: "Sign in to Helix" })).toBeVisible();
    await signIn(page, ADMIN);
    await expect(page).toHaveURL(`${helix.url}/dashboard?range=7d`);
    await expect(page.getByTestId("signed-in-as")).toHaveText(`${ADMIN.email} (admin)`);
    expect(logs.errors).toEqual([]);
  });

  test("a wrong password shows an error and no session", async ({ page }) => {
    const logs = watchConsole(page);
    logs.allow.push(/status of 401/); // the browser logs the sign-in POST's 401 itself
    await page.goto(`${helix.url}/login`);
    await screenshot(page, "login");
    await signIn(page, { email: ADMIN.email, password: "not-the-password" });
    await expect(page.getByTestId("login-error")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(401);
    expect(logs.errors).toEqual([]);
  });

  test("internal APIs: 401 without a session, 200 with; admins create users, viewers get 403", async ({ page, browser }) => {
    const logs = watchConsole(page);
    const anonymous = await fetch(`${helix.url}/api/dashboard/me`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("session_required");
    const forged = await fetch(`${helix.url}/api/dashboard/me`, { headers: { cookie: "next-auth.session-token=forged" } });
    expect(forged.status).toBe(401);

    await page.goto(`${helix.url}/login`);
    await signIn(page, ADMIN);
    await expect(page.getByTestId("signed-in-as")).toContainText("(admin)");
    const me = await page.request.get(`${helix.url}/api/dashboard/me`);
    expect(me.status()).toBe(200);
    expect(((await me.json()) as { user: { email: string; role: string } }).user).toMatchObject({ email: ADMIN.email, role: "admin" });

    const created = await page.request.post(`${helix.url}/api/dashboard/users`, { data: { ...VIEWER, name: "Vi", role: "viewer" } });
    expect(created.status()).toBe(201);
    expect(((await created.json()) as { user: object }).user).toMatchObject({ email: VIEWER.email, name: "Vi", role: "viewer" });
    expect(JSON.stringify(await created.json())).not.toContain(VIEWER.password);
    const invalid = await page.request.post(`${helix.url}/api/dashboard/users`, { data: { email: "x@example.com", password: "short", role: "viewer" } });
    expect(invalid.status()).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe("password");
    const duplicate = await page.request.post(`${helix.url}/api/dashboard/users`, { data: { ...VIEWER, role: "admin" } });
    expect(duplicate.status()).toBe(409);
    const crossSite = await page.request.post(`${helix.url}/api/dashboard/users`, {
      headers: { origin: "https://evil.example" },
      data: { email: "evil@example.com", password: "evil-password", role: "admin" },
    });
    expect(crossSite.status()).toBe(403);
    expect(logs.errors).toEqual([]);

    const viewerContext = await browser.newContext();
    const viewerPage = await viewerContext.newPage();
    const viewerConsole = watchConsole(viewerPage);
    await viewerPage.goto(`${helix.url}/dashboard`);
    await signIn(viewerPage, VIEWER);
    await expect(viewerPage.getByTestId("signed-in-as")).toHaveText(`${VIEWER.email} (viewer)`);
    expect((await viewerPage.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(200);
    const denied = await viewerPage.request.post(`${helix.url}/api/dashboard/users`, { data: { email: "v2@example.com", password: "viewer-password-2", role: "admin" } });
    expect(denied.status()).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("admin_required");
    expect(viewerConsole.errors).toEqual([]);
    await viewerContext.close();
  });

  test("sign-out ends the session: the dashboard redirects to sign-in again, and a copy of the cookie is dead", async ({ page, browser }) => {
    const logs = watchConsole(page);
    await signInToDashboard(page, helix.url, ADMIN);
    await expect(page.getByTestId("signed-in-as")).toBeVisible();
    // A copy of the session cookie taken before sign-out (say, from a shared machine).
    const copied = (await page.context().cookies()).filter((c) => c.name.includes("session-token"));
    expect(copied.length).toBeGreaterThan(0);
    const other = await browser.newContext();
    await other.addCookies(copied);
    expect((await other.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(200);
    // Another session of the same account, which sign-out elsewhere leaves alone.
    const second = await browser.newContext();
    const secondPage = await second.newPage();
    await signInToDashboard(secondPage, helix.url, ADMIN);

    await page.getByRole("button", { name: "Sign out" }).click();
    // Sign-out is two requests and a navigation; a loaded CI machine can take a few seconds.
    await expect(page).toHaveURL(/\/login$/, { timeout: 15_000 });
    expect((await page.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(401);
    await page.goto(`${helix.url}/dashboard`);
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
    const replayed = await other.request.get(`${helix.url}/api/dashboard/me`);
    expect(replayed.status()).toBe(401);
    expect(((await replayed.json()) as { error: { message: string } }).error.message).toMatch(/session has ended/);
    const replayPage = await other.newPage();
    await replayPage.goto(`${helix.url}/dashboard`);
    await expect(replayPage).toHaveURL(/\/login/);
    expect((await secondPage.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(200);
    await other.close();
    await second.close();
    expect(logs.errors).toEqual([]);
  });

  test("behind an https proxy the session cookie is __Secure-, Secure and httpOnly; sign-in needs the CSRF token", async () => {
    const https = { "x-forwarded-proto": "https" };
    const csrf = await fetch(`${helix.url}/api/auth/csrf`, { headers: https });
    const csrfCookies = csrf.headers.getSetCookie();
    expect(csrfCookies.join("\n")).toMatch(/^__Host-next-auth\.csrf-token=.*; Secure/m);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrfCookies.map((c) => c.split(";")[0]).join("; ");
    const post = (token: string) =>
      fetch(`${helix.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { ...https, cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: token, email: ADMIN.email, password: ADMIN.password, json: "true" }),
      });
    const forged = await post("not-the-token");
    expect(forged.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
    const signedIn = await post(csrfToken);
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("__Secure-next-auth.session-token="));
    expect(session).toBeDefined();
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
  });

  test("sign-in attempts are rate-limited per email and address", async ({ page }) => {
    const logs = watchConsole(page);
    logs.allow.push(/status of 401/);
    await page.goto(`${helix.url}/login`);
    const who = { email: "guess@example.com", password: "guessing-wrong" };
    for (let i = 0; i < 10; i++) {
      await signIn(page, who);
      await expect(page.getByTestId("login-error")).toHaveText("Wrong email or password.");
      await page.getByLabel("Password").fill("");
    }
    await signIn(page, who);
    await expect(page.getByTestId("login-error")).toHaveText(/Too many sign-in attempts/);
    expect(logs.errors).toEqual([]);
  });
});

test.describe("first-run setup without ADMIN_* variables", () => {
  test.describe.configure({ mode: "serial" });
  let helix: HelixServer;

  test.beforeAll(async () => {
    helix = await startHelix({});
  });
  test.afterAll(async () => {
    await helix?.stop();
  });

  test("the setup page creates the first admin and is gone afterwards", async ({ page }) => {
    const logs = watchConsole(page);
    await page.goto(helix.url);
    await expect(page.getByTestId("setup-dashboard")).toContainText("Open /setup to create the first admin");
    await page.goto(`${helix.url}/dashboard`);
    await expect(page).toHaveURL(/\/setup$/);
    await screenshot(page, "setup");
    await page.getByLabel("Email").fill("first@example.com");
    await page.getByLabel("Name (optional)").fill("First Admin");
    await page.getByLabel("Password", { exact: true }).fill("first-password-1");
    await page.getByLabel("Repeat password").fill("first-password-2");
    await page.getByRole("button", { name: "Create admin" }).click();
    await expect(page.getByText("The passwords do not match.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue("first@example.com");
    await page.getByLabel("Password", { exact: true }).fill("first-password-1");
    await page.getByLabel("Repeat password").fill("first-password-1");
    await page.getByRole("button", { name: "Create admin" }).click();
    await expect(page).toHaveURL(/\/login\?setup=done$/);
    await expect(page.getByRole("status")).toHaveText("Admin created. Sign in with it.");

    expect((await page.request.get(`${helix.url}/setup`)).status()).toBe(404);
    await signIn(page, { email: "First@Example.com", password: "first-password-1" });
    await expect(page).toHaveURL(`${helix.url}/dashboard`);
    await expect(page.getByTestId("signed-in-as")).toHaveText("first@example.com (admin)");
    await page.goto(helix.url);
    await expect(page.getByTestId("setup-dashboard")).toContainText("1 dashboard user: sign in at /dashboard");
    expect(logs.errors).toEqual([]);
  });
});

/** This machine's own non-loopback IPv4 address: a peer that is not "this machine" to Helix. */
function networkAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
}

test.describe("reached over the network, without MASTER_KEY", () => {
  test.describe.configure({ mode: "serial" });
  let helix: HelixServer;
  const address = networkAddress();

  test.beforeAll(async () => {
    if (address) helix = await startHelix({}, { host: "0.0.0.0" });
  });
  test.afterAll(async () => {
    await helix?.stop();
  });

  test("the admin API answers only on this machine, and /setup needs the start-up log's token", async ({ page }) => {
    test.skip(!address, "this machine has no non-loopback IPv4 address to connect from");
    const logs = watchConsole(page);
    // Chromium reports that it ignores Helix's COOP header on plain http from a non-localhost
    // address (a real deployment is https); nothing else may be logged.
    logs.allow.push(/Cross-Origin-Opener-Policy header has been ignored/);
    const remote = helix.url.replace("127.0.0.1", address!);
    const anyKey = { authorization: "Bearer any-key-at-all" };
    expect((await fetch(`${helix.url}/helix/keys`, { headers: anyKey })).status).toBe(200);
    // A client cannot claim to be local: server.mjs replaces the header with the real peer.
    const fromAfar = await fetch(`${remote}/helix/keys`, { headers: { ...anyKey, "x-helix-peer": "127.0.0.1" } });
    expect(fromAfar.status).toBe(403);
    const refusal = (await fromAfar.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe("master_key_required");
    expect(refusal.error.message).toMatch(/Set MASTER_KEY/);
    const write = await fetch(`${remote}/helix/keys`, { method: "POST", headers: { ...anyKey, "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
    expect(write.status).toBe(403);

    const token = /setup\?token=([\w-]+)/.exec(helix.output())?.[1];
    expect(token, "the start-up log names the setup link").toBeDefined();
    for (const path of ["/setup", "/setup?token=not-the-token"]) {
      await page.goto(`${remote}${path}`);
      await expect(page.getByTestId("setup-refused")).toContainText("start-up log");
      await expect(page.getByRole("button", { name: "Create admin" })).toHaveCount(0);
    }
    await page.goto(`${remote}/setup?token=${token}`);
    await page.getByLabel("Email").fill("remote-admin@example.com");
    await page.getByLabel("Password", { exact: true }).fill("remote-password-1");
    await page.getByLabel("Repeat password").fill("remote-password-1");
    await page.getByRole("button", { name: "Create admin" }).click();
    await expect(page).toHaveURL(/\/login\?setup=done$/);
    await signIn(page, { email: "remote-admin@example.com", password: "remote-password-1" });
    await expect(page.getByTestId("signed-in-as")).toHaveText("remote-admin@example.com (admin)");
    // The signed-in admin may use the admin API from afar; the session, not the port, is the credential.
    expect((await page.request.get(`${remote}/helix/keys`)).status()).toBe(200);
    expect(logs.errors).toEqual([]);
  });
});

test.describe("OpenID Connect sign-in", () => {
  test.describe.configure({ mode: "serial" });
  let helix: HelixServer;
  let idp: FakeOidc;

  test.beforeAll(async () => {
    idp = await startFakeOidc();
    helix = await startHelix({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_NAME: "Example SSO",
      OIDC_ALLOWED_DOMAINS: "corp.example",
    });
  });
  test.afterAll(async () => {
    await helix?.stop();
    await idp?.close();
  });

  test("an existing user signs in through the provider with their role; strangers are refused; allowed domains become viewers", async ({ browser }) => {
    const run = async (user: FakeOidc["user"]) => {
      idp.user = user;
      const context = await browser.newContext();
      const page = await context.newPage();
      const logs = watchConsole(page);
      await page.goto(`${helix.url}/dashboard`);
      await page.getByRole("button", { name: "Sign in with Example SSO" }).click();
      return { page, logs, close: () => context.close() };
    };

    const admin = await run({ sub: "a-1", email: "Admin@Example.com", email_verified: true });
    await expect(admin.page).toHaveURL(`${helix.url}/dashboard`);
    await expect(admin.page.getByTestId("signed-in-as")).toHaveText(`${ADMIN.email} (admin)`);
    expect((await admin.page.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(200);
    expect(admin.logs.errors).toEqual([]);
    await admin.close();

    const stranger = await run({ sub: "s-1", email: "stranger@elsewhere.example", email_verified: true });
    await expect(stranger.page).toHaveURL(/\/login\?error=AccessDenied/);
    await expect(stranger.page.getByTestId("login-error")).toContainText("may not use the dashboard");
    expect((await stranger.page.request.get(`${helix.url}/api/dashboard/me`)).status()).toBe(401);
    expect(stranger.logs.errors).toEqual([]);
    await stranger.close();

    const colleague = await run({ sub: "c-1", email: "colleague@corp.example", email_verified: true, name: "Col" });
    await expect(colleague.page.getByTestId("signed-in-as")).toHaveText("colleague@corp.example (viewer)");
    const denied = await colleague.page.request.post(`${helix.url}/api/dashboard/users`, { data: { email: "x@corp.example", password: "password-123", role: "admin" } });
    expect(denied.status()).toBe(403);
    expect(colleague.logs.errors).toEqual([]);
    await colleague.close();
  });
});
