// What the sign-in, setup and dashboard pages decide before rendering (pages stay thin).
import "server-only";
import { notFound, redirect } from "next/navigation";
import { dashboardUsers } from "@/lib/store/dashboard-users";
import { safeCallbackPath } from "./callback-url";
import { getDashboardSession, type DashboardSessionUser } from "./dashboard-auth";
import { oauthProviders, type OAuthProviderInfo } from "./oidc";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** /login: already signed in → on to the callback; no user at all yet → /setup. */
export async function loginPage(
  searchParams: SearchParams,
): Promise<{ callbackUrl: string; notice?: string; error?: string; providers: OAuthProviderInfo[] }> {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getDashboardSession()) redirect(callbackUrl);
  if ((await dashboardUsers().count()) === 0) redirect("/setup");
  const error = typeof params.error === "string" ? params.error.slice(0, 200) : undefined;
  return { callbackUrl, notice: params.setup === "done" ? "Admin created. Sign in with it." : undefined, error, providers: oauthProviders() };
}

/** /setup exists only while there is no dashboard user. */
export async function setupPage(): Promise<void> {
  if ((await dashboardUsers().count()) > 0) notFound();
}

/** Every dashboard page: the signed-in user (proxy.ts redirects first; this is the backstop). */
export async function dashboardUser(): Promise<DashboardSessionUser> {
  const user = await getDashboardSession();
  if (!user) redirect("/login?callbackUrl=%2Fdashboard");
  return user;
}
