import "server-only";
import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { AuthenticationError, HelixError, PermissionDeniedError, ServiceUnavailableError } from "@/lib/errors";
import { findApiKey, hashKey, looksLikeApiKey } from "@/lib/store/api-keys";
import { resolveCachePolicy } from "@/lib/cache/cache-policy";
import { isLoopbackPeer } from "@/lib/http/peer";
import type { Caller } from "@/lib/gateway/context";
import { requireDashboardSession } from "./dashboard-auth";

/** The bearer token from `Authorization: Bearer …` (or `x-api-key`, which Anthropic-style clients send). */
export function bearerToken(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  return request.headers.get("x-api-key")?.trim() || undefined;
}

/** The master key's digest, computed once per value (not per request). */
let master: { key: string; digest: Buffer } | undefined;

function isMasterKey(tokenHash: string, masterKey: string): boolean {
  if (master?.key !== masterKey) master = { key: masterKey, digest: Buffer.from(hashKey(masterKey), "hex") };
  // Compare digests so neither length nor content leaks through timing.
  return timingSafeEqual(Buffer.from(tokenHash, "hex"), master.digest);
}

/** The key's record; a store that cannot answer is a 503 (retry), not a 500 or a wrong 401. */
async function lookup(token: string, hash: string) {
  try {
    return await findApiKey(token, hash);
  } catch (err) {
    if (err instanceof HelixError) throw err;
    throw new ServiceUnavailableError("The gateway cannot check API keys right now (its database is unavailable); retry shortly.", {
      cause: err,
      headers: { "retry-after": "2" },
    });
  }
}

/**
 * Who is calling. With MASTER_KEY set only the master key and live virtual keys pass; without it
 * (local use) any key passes and is attributed by its hash.
 */
export async function resolveCaller(request: Request): Promise<Caller> {
  const token = bearerToken(request);
  if (!token) {
    throw new AuthenticationError("Missing API key. Send it as 'Authorization: Bearer <key>'.");
  }
  const masterKey = env().MASTER_KEY;
  const keyHash = hashKey(token);
  if (masterKey && isMasterKey(keyHash, masterKey)) {
    return { kind: "master", keyHash, models: [] };
  }
  // Anything that cannot be a virtual key costs no lookup (and no negative-cache entry).
  if (masterKey && !looksLikeApiKey(token)) {
    throw new AuthenticationError("Invalid API key. Use the master key or a virtual key created with POST /helix/keys.");
  }
  const key = looksLikeApiKey(token) ? await lookup(token, keyHash) : null;
  if (key) {
    if (key.revoked) throw new AuthenticationError("This API key has been revoked.");
    const cache = resolveCachePolicy(key.cache, key.teamCache);
    return {
      kind: "virtual",
      keyHash,
      keyId: key.id,
      keyName: key.name,
      userId: key.userId ?? undefined,
      userExternalId: key.user ?? undefined,
      teamId: key.teamId ?? undefined,
      teamName: key.team ?? undefined,
      orgId: key.orgId ?? undefined,
      models: key.models,
      ...(cache ? { cache } : {}),
      ...(key.piiPolicies.length > 0 ? { piiPolicies: key.piiPolicies } : {}),
    };
  }
  if (masterKey) throw new AuthenticationError("Invalid API key. Use the master key or a virtual key created with POST /helix/keys.");
  return { kind: "anonymous-local", keyHash, models: [], passThroughKey: token };
}

/** Who is using an admin route, and how to record them in updated_by / created_by columns. */
export interface AdminActor {
  kind: "master" | "anonymous-local" | "dashboard";
  /** "master", "anonymous-local", or "dashboard:<email>" for a signed-in dashboard user. */
  by: string;
}

/**
 * Admin routes (/helix/*): the master key, any key from this machine in local mode (no MASTER_KEY
 * configured), or — without an Authorization header — a dashboard session: admins for everything,
 * viewers only where `read` is set (GETs). The dashboard check also refuses cross-site writes.
 */
export async function requireAdmin(request: Request, opts: { read?: boolean } = {}): Promise<AdminActor> {
  if (!bearerToken(request)) {
    if (!hasDashboardCookie(request)) {
      throw new AuthenticationError("Missing API key. Send the master key as 'Authorization: Bearer <key>', or sign in to the dashboard.");
    }
    const user = await requireDashboardSession(request, opts.read ? {} : { role: "admin" });
    return { kind: "dashboard", by: `dashboard:${user.email}` };
  }
  const caller = await resolveCaller(request);
  if (caller.kind === "master") return { kind: caller.kind, by: caller.kind };
  if (caller.kind === "anonymous-local") {
    // Without MASTER_KEY any key passes; from another machine that would make everyone who can
    // reach the port (a dashboard viewer included) an admin.
    if (!isLoopbackPeer(request.headers)) {
      throw new PermissionDeniedError(
        "Without MASTER_KEY the admin API answers only on the machine Helix runs on. Set MASTER_KEY and send it as 'Authorization: Bearer <key>', or sign in to the dashboard.",
        { code: "master_key_required" },
      );
    }
    return { kind: caller.kind, by: caller.kind };
  }
  throw new PermissionDeniedError("This endpoint needs the master key (MASTER_KEY).");
}

function hasDashboardCookie(request: Request): boolean {
  return /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/.test(request.headers.get("cookie") ?? "");
}
