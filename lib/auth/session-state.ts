// Whether a dashboard session is still current. next-auth's JWT sessions live in the cookie alone,
// so without this a cookie copied before sign-out (or before a password reset) would keep working
// until it expires. Each session carries an id (`sid`, revoked on sign-out, in the shared
// KeyValueStore until the session could have expired anyway) and the user's session epoch at
// sign-in (`epoch`, which a password change moves on).
import "server-only";
import { logger } from "@/lib/observability/logger";
import { getKv } from "@/lib/store/kv";

const revokedKey = (sid: string) => `helix:auth:session-revoked:${sid}`;

export interface SessionClaims {
  [claim: string]: unknown;
  sid?: unknown;
  epoch?: unknown;
  exp?: unknown;
}

/** Marks a session as signed out until `exp` (seconds since the epoch), when the cookie dies anyway. */
export async function revokeSession(claims: SessionClaims, now = Date.now()): Promise<void> {
  if (typeof claims.sid !== "string") return;
  const exp = typeof claims.exp === "number" ? claims.exp : now / 1000 + 12 * 60 * 60;
  const ttl = Math.max(1, Math.ceil(exp - now / 1000));
  await getKv().set(revokedKey(claims.sid), "1", ttl);
}

/**
 * True when the session was issued for this user's current epoch and has not been signed out.
 * Sessions from before these claims existed (no sid) count as over: the user signs in again once.
 */
export async function sessionIsCurrent(claims: SessionClaims, user: { sessionEpoch: number }): Promise<boolean> {
  if (typeof claims.sid !== "string" || claims.epoch !== user.sessionEpoch) return false;
  try {
    return (await getKv().get(revokedKey(claims.sid))) === null;
  } catch (err) {
    // Redis down: keep the dashboard usable to diagnose it; only sign-outs in the outage are at stake.
    logger().warn({ err, component: "dashboard-auth" }, "cannot check session revocation (key-value store unreachable)");
    return true;
  }
}
