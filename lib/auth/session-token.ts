// Reads the dashboard session (next-auth's encrypted JWT cookie) from a request. Used by proxy.ts
// and by the internal APIs; only the cookie is accepted (no bearer fallback), so the APIs are
// reachable from the signed-in browser and nothing else.
import { decode, type JWT } from "next-auth/jwt";
import { dashboardAuthSecret } from "./auth-secret";

export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = `__Secure-${SESSION_COOKIE}`;

export interface DashboardToken extends JWT {
  sub: string;
  email: string;
  role: "admin" | "viewer";
}

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    const raw = part.slice(i + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

/** next-auth splits cookies over 4 kB into name.0, name.1, …; joins them back. */
function cookieValue(cookies: Map<string, string>, name: string): string | undefined {
  if (cookies.has(name)) return cookies.get(name);
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? chunks.join("") : undefined;
}

/** The decoded session token, or null when absent, expired, forged or malformed. */
export function readDashboardToken(request: Request): Promise<DashboardToken | null> {
  return readDashboardTokenFromCookies(request.headers.get("cookie"));
}

/** The same, from a Cookie header (server components and actions read it from next/headers). */
export async function readDashboardTokenFromCookies(cookieHeader: string | null): Promise<DashboardToken | null> {
  const cookies = parseCookies(cookieHeader);
  const raw = cookieValue(cookies, SECURE_SESSION_COOKIE) ?? cookieValue(cookies, SESSION_COOKIE);
  if (!raw) return null;
  try {
    const token = await decode({ token: raw, secret: dashboardAuthSecret() });
    if (!token || typeof token.sub !== "string" || typeof token.email !== "string") return null;
    return { ...token, sub: token.sub, email: token.email, role: token.role === "admin" ? "admin" : "viewer" };
  } catch {
    return null;
  }
}
