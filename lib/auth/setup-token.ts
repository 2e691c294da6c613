// Who may use the first-run /setup page: someone on the machine Helix runs on, or someone holding
// the token Helix prints in its start-up log while no dashboard user exists (so an exposed
// instance started without ADMIN_EMAIL/ADMIN_PASSWORD is not claimed by its first visitor).
// Derived from the session secret, so every instance sharing NEXTAUTH_SECRET accepts the same one.
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { isLoopbackPeer } from "@/lib/http/peer";
import { dashboardAuthSecret } from "./auth-secret";

export function setupToken(): string {
  return createHmac("sha256", dashboardAuthSecret()).update("helix:first-admin-setup").digest("base64url").slice(0, 24);
}

export function setupAllowed(headers: Headers, token: string | undefined): boolean {
  if (isLoopbackPeer(headers)) return true;
  if (!token) return false;
  const want = Buffer.from(setupToken());
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}
