// Internal dashboard APIs about dashboard users: who am I, and (admins) list, create, change
// (name, role, password) and delete users. Nobody demotes or deletes themselves here, and the last
// admin stays an admin (409 with the reason), so the dashboard always has someone who can manage it.
import "server-only";
import { z } from "zod";
import { emailTakenError, requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getConfig } from "@/lib/config/loader";
import { HelixError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { DASHBOARD_ROLES, dashboardUsers, DuplicateEmailError, LastAdminError, type DashboardUser } from "@/lib/store/dashboard-users";

export const PASSWORD_MIN_LENGTH = 8;

export const NewUserSchema = z.object({
  email: z.email("email must be an email address").max(320),
  name: z.string().trim().max(200).optional(),
  password: z.string().min(PASSWORD_MIN_LENGTH, `password must have at least ${PASSWORD_MIN_LENGTH} characters`).max(1024),
  role: z.enum(DASHBOARD_ROLES),
});

export const UserPatchSchema = z
  .strictObject({
    name: z.string().trim().max(200).nullable().optional(),
    role: z.enum(DASHBOARD_ROLES).optional(),
    password: NewUserSchema.shape.password.optional(),
  })
  .refine((b) => b.name !== undefined || b.role !== undefined || b.password !== undefined, { message: "give name, role or password", path: ["role"] });

function conflict(message: string, code: string, param?: string): HelixError {
  return new HelixError(409, "invalid_request_error", message, { code, ...(param ? { param } : {}) });
}

function lastAdminConflict(): HelixError {
  return conflict("This is the last admin: make another user an admin first.", "last_admin", "role");
}

function userJson(u: DashboardUser) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    created_at: u.createdAt.toISOString(),
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
  };
}

/** GET /api/dashboard/me (any role). */
export async function meResponse(request: Request) {
  return { user: userJson(await requireDashboardSession(request)) };
}

/** POST /api/dashboard/users (admin): { email, name?, password, role } → 201 with the user. */
export async function createDashboardUserResponse(request: Request): Promise<Response> {
  await requireDashboardSession(request, { role: "admin" });
  const body = await readJsonBody(request, NewUserSchema, getConfig().helix_settings.general.max_body_bytes);
  try {
    const user = await dashboardUsers().create(body);
    return Response.json({ user: userJson(user) }, { status: 201 });
  } catch (err) {
    if (DuplicateEmailError.is(err)) throw emailTakenError(body.email.toLowerCase());
    throw err;
  }
}

/** GET /api/dashboard/users (admin): every dashboard user, oldest first. */
export async function listDashboardUsersResponse(request: Request) {
  const me = await requireDashboardSession(request, { role: "admin" });
  const users = await dashboardUsers().list();
  return { object: "list", data: users.map((u) => ({ ...userJson(u), is_self: u.id === me.id })) };
}

/** PATCH /api/dashboard/users/{id} (admin): { name?, role?, password? }. Takes effect on the user's next request. */
export async function updateDashboardUserResponse(request: Request, id: string) {
  const me = await requireDashboardSession(request, { role: "admin" });
  const body = await readJsonBody(request, UserPatchSchema, getConfig().helix_settings.general.max_body_bytes);
  if (id === me.id && body.role === "viewer") throw conflict("You cannot demote yourself; ask another admin.", "self_demotion", "role");
  try {
    const user = await dashboardUsers().update(id, body);
    if (!user) throw new NotFoundError(`No dashboard user with id '${id}'.`, { param: "id" });
    return { user: userJson(user) };
  } catch (err) {
    if (LastAdminError.is(err)) throw lastAdminConflict();
    throw err;
  }
}

/** DELETE /api/dashboard/users/{id} (admin): never yourself, never the last admin. */
export async function deleteDashboardUserResponse(request: Request, id: string) {
  const me = await requireDashboardSession(request, { role: "admin" });
  if (id === me.id) throw conflict("You cannot delete your own account; ask another admin.", "self_deletion", "id");
  try {
    if (!(await dashboardUsers().delete(id))) throw new NotFoundError(`No dashboard user with id '${id}'.`, { param: "id" });
    return { id, deleted: true };
  } catch (err) {
    if (LastAdminError.is(err)) throw lastAdminConflict();
    throw err;
  }
}
