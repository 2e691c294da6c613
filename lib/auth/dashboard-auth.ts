// Dashboard sign-in (next-auth v4): local accounts with email + password (Credentials provider),
// JWT sessions in an encrypted, httpOnly, SameSite=Lax cookie — `__Secure-` and Secure when the
// dashboard is served over https. next-auth checks its own CSRF token on sign-in and sign-out.
import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { applyNextAuthEnv } from "@/lib/env";
import { getConfig } from "@/lib/config/loader";
import { AuthenticationError, HelixError, NotFoundError, PermissionDeniedError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { dashboardUsers, normalizeEmail, type DashboardRole, type DashboardUser } from "@/lib/store/dashboard-users";
import { dashboardAuthSecret } from "./auth-secret";
import { clearLoginAttempts, clientAddress, countLoginAttempt, LoginRateLimitedError } from "./login-rate-limit";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "./password";
import { readDashboardToken, readDashboardTokenFromCookies } from "./session-token";
import { revokeSession, SESSION_MAX_AGE_SECONDS, sessionIsCurrent } from "./session-state";
import { admitOidcUser, oidcProvider } from "./oidc";

export { SESSION_MAX_AGE_SECONDS };

export interface DashboardSessionUser {
  id: string;
  email: string;
  name: string | null;
  role: DashboardRole;
  /** The user's session epoch at sign-in (see session-state.ts). */
  sessionEpoch: number;
}

const Credentials = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

type AuthorizeRequest = { headers?: Record<string, string | string[] | undefined> };

/** The Credentials check: rate limit, then the password (unknown emails cost the same time). */
export async function authorizeCredentials(input: unknown, req: AuthorizeRequest): Promise<DashboardSessionUser | null> {
  const parsed = Credentials.safeParse(input);
  if (!parsed.success) return null;
  const email = normalizeEmail(parsed.data.email);
  const ip = clientAddress(req.headers);
  await countLoginAttempt(email, ip);
  const users = dashboardUsers();
  const user = await users.findByEmail(email);
  if (!user?.passwordHash) {
    await burnPasswordCheck(parsed.data.password);
    return null;
  }
  if (!(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
  await clearLoginAttempts(email, ip);
  await users.recordLogin(user.id);
  if (needsRehash(user.passwordHash)) await users.setPasswordHash(user.id, await hashPassword(parsed.data.password));
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionEpoch: user.sessionEpoch };
}

let options: NextAuthOptions | undefined;

export function dashboardAuthOptions(): NextAuthOptions {
  if (options) return options;
  applyNextAuthEnv();
  const oidc = oidcProvider();
  options = {
    secret: dashboardAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) =>
          authorizeCredentials(credentials, req).catch((err: unknown) => {
            // next-auth shows a thrown error's message to the browser: only ours, never internals.
            if (LoginRateLimitedError.is(err)) throw err;
            logger().error({ err, component: "dashboard-auth" }, "sign-in check failed");
            throw new Error("Sign-in is unavailable right now; the server log has the cause.");
          }),
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      // OpenID Connect: only emails that are (or may become) dashboard users get in.
      async signIn({ account, profile, user }) {
        if (!account || account.provider === "credentials") return true;
        const claims = { ...(profile as Record<string, unknown> | undefined), email: profile?.email ?? user.email, name: profile?.name ?? user.name };
        const admitted = await admitOidcUser(claims as Parameters<typeof admitOidcUser>[0], dashboardUsers());
        if (!admitted) return false;
        await dashboardUsers().recordLogin(admitted.id);
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account && account.provider !== "credentials") {
          // The provider's subject is not ours: the session names the dashboard user by email.
          const dbUser = token.email ? await dashboardUsers().findByEmail(token.email) : null;
          if (!dbUser) throw new Error("Dashboard user not found after sign-in");
          token.sub = dbUser.id;
          token.email = dbUser.email;
          token.name = dbUser.name ?? token.name;
          token.role = dbUser.role;
          token.epoch = dbUser.sessionEpoch;
        } else if (user) {
          const u = user as unknown as DashboardSessionUser;
          token.sub = u.id;
          token.email = u.email;
          token.name = u.name;
          token.role = u.role;
          token.epoch = u.sessionEpoch;
        }
        // A fresh id and sign-in time per sign-in, kept when next-auth re-issues the cookie: sign-out
        // revokes the id, and the session ends SESSION_MAX_AGE_SECONDS after the sign-in time.
        if (user) {
          token.sid = randomUUID();
          token.authAt = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub, email: token.email, name: token.name, role: token.role === "admin" ? "admin" : "viewer" } as typeof session.user;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (!token) return;
        await revokeSession(token).catch((err: unknown) =>
          logger().warn({ err, component: "dashboard-auth" }, "sign-out could not revoke the session (key-value store unreachable); the cookie is cleared"),
        );
      },
    },
    logger: {
      error: (code, metadata) => logger().error({ component: "dashboard-auth", code, metadata }, "next-auth error"),
      warn: (code) => logger().warn({ component: "dashboard-auth", code }, "next-auth warning"),
      debug: () => {},
    },
  };
  return options;
}

/**
 * The signed-in user in a server component or action, as the database has it now, or null: no
 * cookie, a deleted account, or a session that has ended (signed out, password changed).
 */
export async function getDashboardSession(): Promise<DashboardUser | null> {
  const token = await readDashboardTokenFromCookies((await headers()).get("cookie"));
  if (!token) return null;
  const user = await dashboardUsers().findById(token.sub);
  return user && (await sessionIsCurrent(token, user)) ? user : null;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * dashboard.enabled: false turns the dashboard off entirely: its pages answer 404 (page-guards)
 * and so does every API behind a dashboard session (checked first, so nobody learns more).
 */
export function requireDashboardEnabled(): void {
  if (!getConfig().helix_settings.dashboard.enabled) {
    throw new NotFoundError("The dashboard is disabled (dashboard.enabled: false in helix.yaml).", { code: "dashboard_disabled" });
  }
}

/**
 * For internal APIs under /api/dashboard: the signed-in user (re-read from the database, so a
 * deleted account or a changed role takes effect at once). 404 while the dashboard is disabled,
 * 401 without a session, 403 for a viewer on an admin route, and 403 for a cross-site write (the
 * Origin is not this host).
 */
export async function requireDashboardSession(request: Request, opts: { role?: "admin" } = {}): Promise<DashboardUser> {
  requireDashboardEnabled();
  if (UNSAFE_METHODS.has(request.method) && !sameOrigin(request)) {
    throw new PermissionDeniedError("Cross-site requests to the dashboard API are refused.", { code: "cross_site_request" });
  }
  const token = await readDashboardToken(request);
  if (!token) throw new AuthenticationError("Sign in to the dashboard first.", { code: "session_required" });
  const user = await dashboardUsers().findById(token.sub);
  if (!user) throw new AuthenticationError("This dashboard account no longer exists; sign in again.", { code: "session_required" });
  if (!(await sessionIsCurrent(token, user))) {
    throw new AuthenticationError("This session has ended (signed out, or the password was changed); sign in again.", { code: "session_required" });
  }
  if (opts.role === "admin" && user.role !== "admin") {
    throw new PermissionDeniedError("This needs the admin role; viewers can read but not change anything.", { code: "admin_required" });
  }
  return user;
}

/**
 * For server actions and server components that change something: the signed-in user, re-read
 * from the database; 401 without a session, 403 for a viewer when `role: "admin"` is asked.
 * (Next.js already refuses server actions posted from another origin.)
 */
export async function requireDashboardUser(opts: { role?: "admin" } = {}): Promise<DashboardUser> {
  requireDashboardEnabled();
  const user = await getDashboardSession();
  if (!user) throw new AuthenticationError("Sign in to the dashboard first.", { code: "session_required" });
  if (opts.role === "admin" && user.role !== "admin") {
    throw new PermissionDeniedError("This needs the admin role; viewers can read but not change anything.", { code: "admin_required" });
  }
  return user;
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true; // not a browser, or a same-origin navigation: the Lax cookie already guards it
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** 409 for a taken email (no dedicated class: only the user API answers it). */
export function emailTakenError(email: string): HelixError {
  return new HelixError(409, "invalid_request_error", `A dashboard user with the email ${email} already exists.`, {
    param: "email",
    code: "email_taken",
  });
}
