// What the sign-in, setup and dashboard pages decide before rendering (pages stay thin).
import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { dashboardUsers } from "@/lib/store/dashboard-users";
import { safeCallbackPath } from "./callback-url";
import type { DashboardUser } from "@/lib/store/dashboard-users";
import { getDashboardSession, requireDashboardUser } from "./dashboard-auth";
import { oauthProviders, type OAuthProviderInfo } from "./oidc";
import { getConfig } from "@/lib/config/loader";
import { setupAllowed } from "./setup-token";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** /login: already signed in → on to the callback; no user at all yet → /setup. */
export async function loginPage(
  searchParams: SearchParams,
): Promise<{ callbackUrl: string; notice?: string; error?: string; providers: OAuthProviderInfo[] }> {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  // Only for a current session whose account still exists (else /dashboard would send it back here).
  if (await getDashboardSession()) redirect(callbackUrl);
  if ((await dashboardUsers().count()) === 0) redirect("/setup");
  const error = typeof params.error === "string" ? params.error.slice(0, 200) : undefined;
  return { callbackUrl, notice: params.setup === "done" ? "Admin created. Sign in with it." : undefined, error, providers: oauthProviders() };
}

/**
 * /setup exists only while there is no dashboard user; the form is offered on this machine or with
 * the start-up log's token (kept in the form for the action to check again).
 */
export async function setupPage(searchParams: SearchParams): Promise<{ allowed: boolean; token?: string }> {
  if ((await dashboardUsers().count()) > 0) notFound();
  const token = (await searchParams).token;
  const t = typeof token === "string" ? token.slice(0, 100) : undefined;
  return setupAllowed(await headers(), t) ? { allowed: true, token: t } : { allowed: false };
}

/**
 * Every dashboard page: the signed-in user as the database has it now (role changes apply at
 * once). proxy.ts redirects first; this is the backstop for a deleted account or a bad cookie.
 */
export async function dashboardUser(): Promise<DashboardUser> {
  // dashboard.enabled: false: every page is a 404 (layout and page render side by side).
  if (!getConfig().helix_settings.dashboard.enabled) notFound();
  try {
    return await requireDashboardUser();
  } catch (err) {
    if ((err as { status?: number }).status === 401) redirect("/login?callbackUrl=%2Fdashboard");
    throw err;
  }
}

/** The dashboard frame: who is signed in (as the client may know it) and the refresh interval. */
export async function dashboardLayout(): Promise<{ user: { email: string; role: "admin" | "viewer" }; refreshSeconds: number }> {
  const settings = getConfig().helix_settings.dashboard;
  // dashboard.enabled: false turns the pages off (the gateway and its admin API stay).
  if (!settings.enabled) notFound();
  const user = await dashboardUser();
  return { user: { email: user.email, role: user.role === "admin" ? "admin" : "viewer" }, refreshSeconds: settings.refresh_interval };
}

/** The signed-in user's role, for admin-only pages (which show viewers a notice instead). */
export async function dashboardRole(): Promise<"admin" | "viewer"> {
  return (await dashboardUser()).role === "admin" ? "admin" : "viewer";
}
