// The dashboard users API (GET/PATCH/DELETE /api/dashboard/users[/{id}]) on embedded PGlite, with
// real session cookies: viewers get 403, no session 401, and the self/last-admin guards answer 409.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { GET as listRoute, POST as createRoute } from "@/app/api/dashboard/users/route";
import { DELETE as deleteRoute, PATCH as patchRoute } from "@/app/api/dashboard/users/[id]/route";
import { dashboardAuthSecret } from "@/lib/auth/auth-secret";
import { SESSION_COOKIE } from "@/lib/auth/session-token";
import { GET as piiRoute } from "@/app/api/dashboard/pii/route";
import { GET as meRoute } from "@/app/api/dashboard/me/route";
import { resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import { closeDb } from "@/lib/store/db";
import { dashboardUsers, type DashboardUser } from "@/lib/store/dashboard-users";
import { tempDir } from "@/lib/store/test-support";

const tmp = tempDir();
const saved = { ...process.env };
let admin: DashboardUser;
let viewer: DashboardUser;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.NEXTAUTH_SECRET = "dashboard-users-test-secret-0123456789abcdef";
  resetEnvForTests();
  admin = await dashboardUsers().create({ email: "boss@example.com", password: "boss-password", role: "admin" });
  viewer = await dashboardUsers().create({ email: "watcher@example.com", password: "watcher-password", role: "viewer" });
});
afterAll(async () => {
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

async function cookieFor(u: DashboardUser | null): Promise<Record<string, string>> {
  if (!u) return {};
  // As the sign-in issues it: a session id and the user's session epoch.
  const token = await encode({ token: { sub: u.id, email: u.email, role: u.role, sid: randomUUID(), authAt: Math.floor(Date.now() / 1000), epoch: u.sessionEpoch }, secret: dashboardAuthSecret() });
  return { cookie: `${SESSION_COOKIE}=${token}` };
}

async function call(route: (r: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>, method: string, as: DashboardUser | null, id = "", body?: unknown) {
  const req = new Request(`http://helix.test/api/dashboard/users${id ? `/${id}` : ""}`, {
    method,
    headers: { host: "helix.test", origin: "http://helix.test", ...(await cookieFor(as)), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await route(req, { params: Promise.resolve({ id }) });
  return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const list = (as: DashboardUser | null) => call((r) => listRoute(r, undefined as never), "GET", as);
const patch = (as: DashboardUser | null, id: string, body: unknown) => call(patchRoute, "PATCH", as, id, body);
const del = (as: DashboardUser | null, id: string) => call(deleteRoute, "DELETE", as, id);

describe("dashboard users API", () => {
  it("lists users for admins only", async () => {
    expect((await list(null)).status).toBe(401);
    expect((await list(viewer)).status).toBe(403);
    const r = await list(admin);
    expect(r.status).toBe(200);
    expect(r.json.data.map((u: { email: string }) => u.email)).toEqual(["boss@example.com", "watcher@example.com"]);
    expect(r.json.data[0]).toMatchObject({ role: "admin", is_self: true, last_login_at: null });
    expect(r.json.data[0]).not.toHaveProperty("password_hash");
  });

  it("refuses viewers' writes and cross-site writes", async () => {
    expect((await patch(viewer, viewer.id, { role: "admin" })).status).toBe(403);
    expect((await del(viewer, admin.id)).status).toBe(403);
    const cross = new Request(`http://helix.test/api/dashboard/users/${viewer.id}`, {
      method: "PATCH",
      headers: { host: "helix.test", origin: "http://evil.test", "content-type": "application/json", ...(await cookieFor(admin)) },
      body: JSON.stringify({ role: "admin" }),
    });
    expect((await patchRoute(cross, { params: Promise.resolve({ id: viewer.id }) })).status).toBe(403);
    expect((await dashboardUsers().findById(viewer.id))?.role).toBe("viewer");
  });

  it("validates the body and names the parameter", async () => {
    const bad = await patch(admin, viewer.id, { role: "owner" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("role");
    expect((await patch(admin, viewer.id, { password: "short" })).json.error.param).toBe("password");
    expect((await patch(admin, viewer.id, {})).status).toBe(400);
    expect((await patch(admin, "nope", { name: "x" })).status).toBe(404);
  });

  it("changes a role, which the user's next call reflects", async () => {
    const r = await patch(admin, viewer.id, { role: "admin", name: "Watcher" });
    expect(r.status).toBe(200);
    expect(r.json.user).toMatchObject({ role: "admin", name: "Watcher" });
    expect((await list(viewer)).status).toBe(200);
    expect((await patch(admin, viewer.id, { role: "viewer" })).status).toBe(200);
    expect((await list(viewer)).status).toBe(403);
  });

  it("guards self-demotion, self-deletion and the last admin with 409", async () => {
    const self = await patch(admin, admin.id, { role: "viewer" });
    expect(self.status).toBe(409);
    expect(self.json.error.code).toBe("self_demotion");
    const selfDel = await del(admin, admin.id);
    expect(selfDel.status).toBe(409);
    expect(selfDel.json.error.code).toBe("self_deletion");
    // Another admin may not remove the last (other) admin either.
    const other = await dashboardUsers().create({ email: "other@example.com", password: "other-password", role: "admin" });
    expect((await del(other, admin.id)).status).toBe(200);
    // (An admin caller is itself an admin, so via the API the last admin is always "yourself";
    // the store's lock-protected check covers concurrent demotions.)
    const last = await patch(other, other.id, { role: "viewer" });
    expect(last.status).toBe(409);
    expect((await dashboardUsers().findById(other.id))?.role).toBe("admin");
    await dashboardUsers().update(viewer.id, { role: "admin" });
    expect((await del(viewer, other.id)).status).toBe(200);
    const lastDel = await call(deleteRoute, "DELETE", viewer, viewer.id);
    expect(lastDel.json.error.code).toBe("self_deletion");
    // Deleting a user ends their session at once.
    expect((await list(other)).status).toBe(401);
  });

  it("creates users (existing POST) with a reset password that signs in", async () => {
    const req = new Request("http://helix.test/api/dashboard/users", {
      method: "POST",
      headers: { host: "helix.test", "content-type": "application/json", ...(await cookieFor(viewer)) },
      body: JSON.stringify({ email: "new@example.com", password: "new-password-1", role: "viewer" }),
    });
    const created = await createRoute(req, undefined as never);
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { user: { id: string } }).user.id;
    const before = (await dashboardUsers().findById(id))!;
    expect((await list(before)).status).toBe(403); // a live viewer session: signed in, not allowed
    expect((await patch(viewer, id, { password: "reset-password-2" })).status).toBe(200);
    const { verifyPassword } = await import("@/lib/auth/password");
    expect(await verifyPassword("reset-password-2", (await dashboardUsers().findByEmail("new@example.com"))!.passwordHash!)).toBe(true);
    // The reset ended the session issued before it; one issued after works.
    const ended = await list(before);
    expect(ended.status).toBe(401);
    expect(ended.json.error.message).toMatch(/session has ended/);
    expect((await list((await dashboardUsers().findById(id))!)).status).toBe(403);
    // A name or role change does not end sessions.
    expect((await patch(viewer, viewer.id, { name: "Renamed" })).status).toBe(200);
    expect((await list(viewer)).status).toBe(200);
  });

  it("answers 404 (OpenAI-shaped) on every dashboard API while dashboard.enabled is false, signed in or not", async () => {
    setConfigForTests({ helix_settings: { dashboard: { enabled: false } } });
    try {
      const get = async (route: (r: Request, c: never) => Promise<Response>, path: string, as: DashboardUser | null) => {
        const res = await route(new Request(`http://helix.test${path}`, { headers: { host: "helix.test", ...(await cookieFor(as)) } }), undefined as never);
        return { status: res.status, json: (await res.json()) as { error: Record<string, unknown> } };
      };
      const me = await dashboardUsers().create({ email: "disabled@example.com", password: "disabled-password", role: "admin" });
      for (const [route, path] of [
        [listRoute, "/api/dashboard/users"],
        [meRoute, "/api/dashboard/me"],
        [piiRoute, "/api/dashboard/pii?range=24h"],
      ] as const) {
        for (const as of [me, null]) {
          const r = await get(route, path, as);
          expect(r.status, path).toBe(404);
          expect(r.json.error, path).toMatchObject({ type: "invalid_request_error", code: "dashboard_disabled" });
          expect(String(r.json.error.message)).toContain("dashboard.enabled");
        }
      }
      const write = await patch(me, me.id, { name: "x" });
      expect(write.status).toBe(404);
      // Enabled again (the default): the same call answers.
      resetConfigForTests();
      expect((await get(meRoute, "/api/dashboard/me", me)).status).toBe(200);
    } finally {
      resetConfigForTests();
    }
  });
});
