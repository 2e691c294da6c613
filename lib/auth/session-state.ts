// Whether a dashboard session is still current. next-auth's JWT sessions live in the cookie alone,
// so without this a cookie copied before sign-out (or before a password reset) would keep working
// until it expires. Each session carries an id (`sid`, revoked on sign-out, in the shared
// KeyValueStore until the session's absolute end), the user's session epoch at sign-in (`epoch`,
// which a password change moves on) and its sign-in time (`authAt`): a session ends
// SESSION_MAX_AGE_SECONDS after sign-in however often next-auth re-issues the cookie, so a revoked
// one cannot be refreshed past its revocation.
import "server-only";
import { logger } from "@/lib/observability/logger";
import { getKv } from "@/lib/store/kv";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const revokedKey = (sid: string) => `helix:auth:session-revoked:${sid}`;

export interface SessionClaims {
  [claim: string]: unknown;
  sid?: unknown;
  epoch?: unknown;
  authAt?: unknown;
}

/** Seconds since the epoch at which the session ends whatever its cookie says, or null without a sign-in time. */
function sessionEnd(claims: SessionClaims): number | null {
  return typeof claims.authAt === "number" && Number.isFinite(claims.authAt) ? claims.authAt + SESSION_MAX_AGE_SECONDS : null;
}

/** Marks a session as signed out until its absolute end, after which it is refused anyway. */
export async function revokeSession(claims: SessionClaims, now = Date.now()): Promise<void> {
  const end = sessionEnd(claims);
  // Without an id or a sign-in time the session is refused anyway (sessionIsCurrent).
  if (typeof claims.sid !== "string" || end === null) return;
  const ttl = Math.max(1, Math.ceil(end - now / 1000) + 60);
  await getKv().set(revokedKey(claims.sid), "1", ttl);
}

/**
 * True when the session was issued for this user's current epoch and has not been signed out.
 * Sessions from before these claims existed (no sid) count as over: the user signs in again once.
 */
export async function sessionIsCurrent(claims: SessionClaims, user: { sessionEpoch: number }, now = Date.now()): Promise<boolean> {
  if (typeof claims.sid !== "string" || claims.epoch !== user.sessionEpoch) return false;
  const end = sessionEnd(claims);
  if (end === null || end <= now / 1000) return false;
  try {
    return (await getKv().get(revokedKey(claims.sid))) === null;
  } catch (err) {
    // Redis down: keep the dashboard usable to diagnose it; only sign-outs in the outage are at stake.
    logger().warn({ err, component: "dashboard-auth" }, "cannot check session revocation (key-value store unreachable)");
    return true;
  }
}
