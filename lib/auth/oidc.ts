// Optional OpenID Connect sign-in for the dashboard. Who may enter, when the provider says the
// email is verified (or, with OIDC_TRUST_UNVERIFIED_EMAIL, does not say): an existing dashboard
// user with the same email, or, for the domains in OIDC_ALLOWED_DOMAINS, anyone (created as a viewer).
import "server-only";
import type { Provider } from "next-auth/providers/index";
import { env } from "@/lib/env";
import type { DashboardUser, DashboardUserStore } from "@/lib/store/dashboard-users";
import { normalizeEmail } from "@/lib/store/dashboard-users";

export const OIDC_PROVIDER_ID = "oidc";

export interface OAuthProviderInfo {
  id: string;
  name: string;
}

/** The configured provider for the sign-in page's button, or none. */
export function oauthProviders(): OAuthProviderInfo[] {
  const e = env();
  return e.OIDC_ISSUER && e.OIDC_CLIENT_ID ? [{ id: OIDC_PROVIDER_ID, name: e.OIDC_NAME }] : [];
}

interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

export function oidcProvider(): Provider | undefined {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID) return undefined;
  return {
    id: OIDC_PROVIDER_ID,
    name: e.OIDC_NAME,
    type: "oauth",
    wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile: OidcProfile) {
      return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
    },
  } as Provider;
}

function verified(v: boolean | string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return v === true || v === "true";
}

/** The dashboard user an OpenID Connect sign-in becomes, or null to refuse it. */
export async function admitOidcUser(
  claims: { email?: string | null; email_verified?: boolean | string; name?: string | null },
  users: DashboardUserStore,
  allowedDomains: string[] = env().OIDC_ALLOWED_DOMAINS,
  trustUnverified: boolean = env().OIDC_TRUST_UNVERIFIED_EMAIL,
): Promise<DashboardUser | null> {
  if (!claims.email) return null;
  const email = normalizeEmail(claims.email);
  const isVerified = verified(claims.email_verified);
  if (!(isVerified === true || (isVerified === undefined && trustUnverified))) return null;
  const existing = await users.findByEmail(email);
  if (existing) {
    const user: DashboardUser & { passwordHash?: string | null } = { ...existing };
    delete user.passwordHash; // never leaves the store's sign-in check
    return user;
  }
  const domain = email.split("@").at(-1) ?? "";
  if (!allowedDomains.includes(domain)) return null;
  try {
    return await users.create({ email, name: claims.name ?? null, role: "viewer" });
  } catch {
    // Created by a parallel sign-in a moment ago.
    const again = await users.findByEmail(email);
    return again ? admitOidcUser(claims, users, allowedDomains, trustUnverified) : null;
  }
}
