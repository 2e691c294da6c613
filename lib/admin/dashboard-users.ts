// Internal dashboard APIs about dashboard users: who am I, and (admins) create a user.
import "server-only";
import { z } from "zod";
import { emailTakenError, requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getConfig } from "@/lib/config/loader";
import { readJsonBody } from "@/lib/http/read-json-body";
import { DASHBOARD_ROLES, dashboardUsers, DuplicateEmailError, type DashboardUser } from "@/lib/store/dashboard-users";

export const PASSWORD_MIN_LENGTH = 8;

export const NewUserSchema = z.object({
  email: z.email("email must be an email address").max(320),
  name: z.string().trim().max(200).optional(),
  password: z.string().min(PASSWORD_MIN_LENGTH, `password must have at least ${PASSWORD_MIN_LENGTH} characters`).max(1024),
  role: z.enum(DASHBOARD_ROLES),
});

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
