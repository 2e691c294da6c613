// Teams and API users through their admin routes on embedded PGlite: create, rename, edit and
// delete (409 while active keys belong; users and revoked keys detached; own budget deleted),
// names unique per org, per-user budgets, and viewers (dashboard sessions) refused every write.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { GET as listTeamsRoute, POST as createTeamRoute } from "@/app/api/helix/teams/route";
import { DELETE as deleteTeamRoute, PATCH as patchTeamRoute } from "@/app/api/helix/teams/[id]/route";
import { GET as listUsersRoute, POST as createUserRoute } from "@/app/api/helix/users/route";
import { DELETE as deleteUserRoute, PATCH as patchUserRoute } from "@/app/api/helix/users/[id]/route";
import { POST as createKeyRoute } from "@/app/api/helix/keys/route";
import { DELETE as revokeKeyRoute } from "@/app/api/helix/keys/[id]/route";
import { GET as getBudgetRoute, PUT as putBudgetRoute } from "@/app/api/helix/budgets/[scope]/[id]/route";
import { dashboardAuthSecret } from "@/lib/auth/auth-secret";
import { SESSION_COOKIE } from "@/lib/auth/session-token";
import { findApiKey } from "@/lib/store/api-keys";
import { resetConfigForTests } from "@/lib/config/loader";
import { budgetDefinitions } from "@/lib/cost/budget-definitions";
import { resetEnvForTests } from "@/lib/env";
import { closeDb, getDb } from "@/lib/store/db";
import { closeKv } from "@/lib/store/kv";
import { dashboardUsers, type DashboardUser } from "@/lib/store/dashboard-users";
import { tempDir } from "@/lib/store/test-support";

const MASTER = "sk-master-teams-users-test";
const tmp = tempDir();
const saved = { ...process.env };
let viewer: DashboardUser;
let admin: DashboardUser;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.MASTER_KEY = MASTER;
  process.env.NEXTAUTH_SECRET = "teams-users-test-secret-0123456789abcdef";
  resetEnvForTests();
  admin = await dashboardUsers().create({ email: "lead@example.com", password: "lead-password", role: "admin" });
  viewer = await dashboardUsers().create({ email: "glance@example.com", password: "glance-password", role: "viewer" });
});
afterAll(async () => {
  resetConfigForTests();
  await closeKv();
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

type As = "master" | DashboardUser;
type Ctx = { params: Promise<Record<string, string>> };
type Route = (r: Request, ctx: Ctx) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function authHeaders(as: As): Promise<Record<string, string>> {
  if (as === "master") return { authorization: `Bearer ${MASTER}` };
  const token = await encode({ token: { sub: as.id, email: as.email, role: as.role, sid: randomUUID(), authAt: Math.floor(Date.now() / 1000), epoch: as.sessionEpoch }, secret: dashboardAuthSecret() });
  return { cookie: `${SESSION_COOKIE}=${token}`, origin: "http://helix.test" };
}

async function call(route: Route, method: string, url: string, params: Record<string, string>, body?: unknown, as: As = "master") {
  const req = new Request(`http://helix.test${url}`, {
    method,
    headers: { host: "helix.test", ...(await authHeaders(as)), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await route(req, { params: Promise.resolve(params) });
  return { status: res.status, json: (await res.json()) as Json };
}

const createTeam = (body: unknown, as: As = "master") => call(createTeamRoute as Route, "POST", "/helix/teams", {}, body, as);
const patchTeam = (id: string, body: unknown, as: As = "master") => call(patchTeamRoute as Route, "PATCH", `/helix/teams/${id}`, { id }, body, as);
const deleteTeam = (id: string, as: As = "master") => call(deleteTeamRoute as Route, "DELETE", `/helix/teams/${id}`, { id }, undefined, as);
const listTeams = async (as: As = "master") => (await call(listTeamsRoute as Route, "GET", "/helix/teams", {}, undefined, as)).json.data as Json[];
const createUser = (body: unknown, as: As = "master") => call(createUserRoute as Route, "POST", "/helix/users", {}, body, as);
const patchUser = (id: string, body: unknown, as: As = "master") => call(patchUserRoute as Route, "PATCH", `/helix/users/${id}`, { id }, body, as);
const deleteUser = (id: string, as: As = "master") => call(deleteUserRoute as Route, "DELETE", `/helix/users/${id}`, { id }, undefined, as);
const listUsers = async (as: As = "master") => (await call(listUsersRoute as Route, "GET", "/helix/users", {}, undefined, as)).json.data as Json[];
const createKey = (body: unknown) => call(createKeyRoute as Route, "POST", "/helix/keys", {}, body);
const revokeKey = (id: string) => call(revokeKeyRoute as Route, "DELETE", `/helix/keys/${id}`, { id });
const putBudget = (scope: string, id: string, body: unknown, as: As = "master") => call(putBudgetRoute as Route, "PUT", `/helix/budgets/${scope}/${id}`, { scope, id }, body, as);
const getBudget = (scope: string, id: string) => call(getBudgetRoute as Route, "GET", `/helix/budgets/${scope}/${id}`, { scope, id });

describe("teams admin API", () => {
  it("creates a team (org created when new), unique by name within its org, with a 409 naming the conflict", async () => {
    const made = await createTeam({ name: "  Research ", org: "Acme" });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ name: "Research", org: "Acme", keyCount: 0, cache: { enabled: null, similarity_threshold: null } });
    const twin = await createTeam({ name: "Research", org: "Acme" });
    expect(twin.status).toBe(409);
    expect(twin.json.error).toMatchObject({ type: "invalid_request_error", code: "team_name_taken", param: "name" });
    expect(twin.json.error.message).toContain("'Research' already exists in organization 'Acme'");
    expect(twin.json.error.message).toContain(made.json.id);
    // Same name in another org, and without an org, is another team; org-less names are unique too.
    expect((await createTeam({ name: "Research", org: "Globex" })).status).toBe(201);
    expect((await createTeam({ name: "Research" })).status).toBe(201);
    const orgless = await createTeam({ name: "Research" });
    expect(orgless.status).toBe(409);
    expect(orgless.json.error.message).toContain("without an organization");
    expect((await listTeams()).filter((t) => t.name === "Research")).toHaveLength(3);
    // A key naming the team in its org joins it (no twin).
    const key = await createKey({ name: "r-key", team: "Research", org: "Acme" });
    expect(key.status).toBe(201);
    expect((await listTeams()).find((t) => t.id === made.json.id)?.keyCount).toBe(1);
  });

  it("validates bodies and names the parameter", async () => {
    expect((await createTeam({})).json.error.param).toBe("name");
    expect((await createTeam({ name: "   " })).status).toBe(400);
    expect((await createTeam({ name: "x", colour: "red" })).status).toBe(400);
    const some = (await listTeams())[0].id as string;
    expect((await patchTeam(some, {})).status).toBe(400);
    expect((await patchTeam(some, { name: "" })).json.error.param).toBe("name");
    expect((await patchTeam("nope", { name: "x" })).status).toBe(404);
    expect((await deleteTeam("nope")).status).toBe(404);
  });

  it("renames a team: its keys' next lookups carry the new name; a taken name is a 409; cache settings still patch", async () => {
    const team = (await createTeam({ name: "Support", org: "Acme" })).json;
    const key = (await createKey({ name: "s-key", team: "Support", org: "Acme" })).json;
    expect((await findApiKey(key.key))?.team).toBe("Support"); // cached now
    const renamed = await patchTeam(team.id, { name: "Customer Care" });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: team.id, name: "Customer Care", org: "Acme", keyCount: 1 });
    expect((await findApiKey(key.key))?.team).toBe("Customer Care");
    const clash = await patchTeam(team.id, { name: "Research" });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe("team_name_taken");
    expect((await patchTeam(team.id, { name: "Customer Care" })).status).toBe(200); // its own name
    const both = await patchTeam(team.id, { name: "Care", cache: { enabled: false } });
    expect(both.json).toMatchObject({ name: "Care", cache: { enabled: false } });
  });

  it("refuses to delete a team with active keys (409 naming them), then deletes it: users and revoked keys detached, its budget gone", async () => {
    const team = (await createTeam({ name: "Doomed" })).json;
    const key = (await createKey({ name: "d-key", team: "Doomed", user: "doomed-user" })).json;
    expect((await putBudget("team", team.id, { max_budget_usd: 5, period: "monthly" })).status).toBe(201);
    const refused = await deleteTeam(team.id);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: "team_has_keys", param: "id" });
    expect(refused.json.error.message).toContain("Team 'Doomed' still has 1 active key");
    expect((await listTeams()).some((t) => t.id === team.id)).toBe(true);

    expect((await revokeKey(key.id)).status).toBe(200);
    const deleted = await deleteTeam(team.id);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ object: "team.deleted", id: team.id, name: "Doomed", deleted: true, detached_users: 1, detached_revoked_keys: 1 });
    expect((await listTeams()).some((t) => t.id === team.id)).toBe(false);
    expect((await listUsers()).find((u) => u.external_id === "doomed-user")).toMatchObject({ team_id: null, team: null });
    expect((await getBudget("team", team.id)).status).toBe(404);
    const db = await getDb();
    expect(await db.apiKey.findUnique({ where: { id: key.id }, select: { teamId: true, revokedAt: true } })).toMatchObject({ teamId: null, revokedAt: expect.any(Date) });
  });
});

describe("API users admin API", () => {
  it("creates a user in a team (the team's org becomes theirs); the external id is unique (409)", async () => {
    const team = (await createTeam({ name: "Platform", org: "Acme" })).json;
    const made = await createUser({ external_id: "ana", name: "Ana", email: "ana@example.com", team_id: team.id });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ external_id: "ana", name: "Ana", email: "ana@example.com", team_id: team.id, team: "Platform", org: "Acme", key_count: 0 });
    const twin = await createUser({ external_id: "ana" });
    expect(twin.status).toBe(409);
    expect(twin.json.error).toMatchObject({ code: "user_exists", param: "external_id" });
    expect(twin.json.error.message).toContain(made.json.id);
    expect((await createUser({ external_id: "x", team_id: "no-such-team" })).json.error).toMatchObject({ param: "team_id" });
    expect((await createUser({ external_id: "y", email: "not-an-email" })).json.error.param).toBe("email");
    // A key for the user keeps their details and team.
    await createKey({ name: "ana-key", user: "ana" });
    expect((await listUsers()).find((u) => u.external_id === "ana")).toMatchObject({ name: "Ana", team: "Platform", key_count: 1 });
  });

  it("edits a user's team, name and email (null clears); unknown ids are 404", async () => {
    const user = (await createUser({ external_id: "bo" })).json;
    const team = (await listTeams()).find((t) => t.name === "Platform")!;
    const moved = await patchUser(user.id, { team_id: team.id, name: "Bo" });
    expect(moved.json).toMatchObject({ team_id: team.id, team: "Platform", org: "Acme", name: "Bo" });
    const cleared = await patchUser(user.id, { team_id: null, name: null });
    expect(cleared.json).toMatchObject({ team_id: null, team: null, name: null, org: "Acme" });
    expect((await patchUser(user.id, {})).status).toBe(400);
    expect((await patchUser(user.id, { external_id: "renamed" })).status).toBe(400);
    expect((await patchUser(user.id, { team_id: "no-such-team" })).status).toBe(400);
    expect((await patchUser("nope", { name: "x" })).status).toBe(404);
  });

  it("a user's budget and rate limits are set like a key's and apply to the user's keys", async () => {
    const user = (await createUser({ external_id: "budgeted" })).json;
    const put = await putBudget("user", user.id, { max_budget_usd: 12.5, period: "weekly", rpm: 30, tpm: 5000 });
    expect(put.status).toBe(201);
    expect((await getBudget("user", user.id)).json).toMatchObject({ scope: "user", scope_id: user.id, max_budget_usd: 12.5, period: "weekly", rpm: 30, tpm: 5000, spend_usd: 0 });
    const key = (await createKey({ name: "budgeted-key", user: "budgeted" })).json;
    const { resolveCaller } = await import("@/lib/auth/caller");
    const caller = await resolveCaller(new Request("http://helix.test/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` } }));
    const { getConfig } = await import("@/lib/config/loader");
    const defs = await budgetDefinitions().budgetsFor({ keyId: caller.keyId, userId: caller.userId }, getConfig().helix_settings.cost_optimization);
    expect(defs.map((d) => [d.scope, d.scopeId, d.rpm])).toContainEqual(["user", user.id, 30]);
  });

  it("refuses to delete a user with active keys (409), then deletes it with its budget", async () => {
    const user = (await listUsers()).find((u) => u.external_id === "budgeted")!;
    const key = await (await getDb()).apiKey.findFirstOrThrow({ where: { userId: user.id } });
    const refused = await deleteUser(user.id);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: "user_has_keys" });
    expect(refused.json.error.message).toContain("API user 'budgeted' still has 1 active key");
    await revokeKey(key.id);
    const deleted = await deleteUser(user.id);
    expect(deleted.json).toEqual({ object: "user.deleted", id: user.id, external_id: "budgeted", deleted: true, detached_revoked_keys: 1 });
    expect((await getBudget("user", user.id)).status).toBe(404);
    expect((await listUsers()).some((u) => u.id === user.id)).toBe(false);
    expect((await deleteUser(user.id)).status).toBe(404);
  });
});

describe("dashboard sessions", () => {
  it("viewers read teams and users but every write is refused (403) and changes nothing", async () => {
    const team = (await listTeams()).find((t) => t.name === "Platform")!;
    const user = (await listUsers()).find((u) => u.external_id === "bo")!;
    expect((await listTeams(viewer)).length).toBeGreaterThan(0);
    expect((await listUsers(viewer)).length).toBeGreaterThan(0);
    for (const r of [
      await createTeam({ name: "viewer-team" }, viewer),
      await patchTeam(team.id, { name: "viewer-renamed" }, viewer),
      await deleteTeam(team.id, viewer),
      await createUser({ external_id: "viewer-user" }, viewer),
      await patchUser(user.id, { name: "viewer" }, viewer),
      await deleteUser(user.id, viewer),
      await putBudget("user", user.id, { max_budget_usd: 1, period: "daily" }, viewer),
    ]) {
      expect(r.status).toBe(403);
      expect(r.json.error.type).toBe("permission_error");
    }
    expect((await listTeams()).find((t) => t.id === team.id)?.name).toBe("Platform");
    expect((await listUsers()).some((u) => u.external_id === "viewer-user")).toBe(false);
  });

  it("admins write through their session", async () => {
    const made = await createTeam({ name: "Session team" }, admin);
    expect(made.status).toBe(201);
    expect((await deleteTeam(made.json.id, admin)).status).toBe(200);
  });
});
