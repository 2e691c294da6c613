import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { AuthenticationError, PermissionDeniedError } from "@/lib/errors";
import { findApiKey } from "@/lib/store/api-keys";
import type { Caller } from "@/lib/gateway/context";

/** The bearer token from `Authorization: Bearer …` (or `x-api-key`, which Anthropic-style clients send). */
export function bearerToken(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  return request.headers.get("x-api-key")?.trim() || undefined;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function sameSecret(a: string, b: string): boolean {
  // Compare digests so neither length nor content leaks through timing.
  return timingSafeEqual(Buffer.from(sha256(a), "hex"), Buffer.from(sha256(b), "hex"));
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
  if (masterKey && sameSecret(token, masterKey)) {
    return { kind: "master", keyHash: sha256(token), models: [] };
  }
  const key = await findApiKey(token);
  if (key) {
    if (key.revoked) throw new AuthenticationError("This API key has been revoked.");
    return {
      kind: "virtual",
      keyHash: sha256(token),
      keyId: key.id,
      keyName: key.name,
      userId: key.userId ?? undefined,
      teamId: key.teamId ?? undefined,
      orgId: key.orgId ?? undefined,
      models: key.models,
    };
  }
  if (masterKey) throw new AuthenticationError("Invalid API key. Use the master key or a virtual key created with POST /helix/keys.");
  return { kind: "anonymous-local", keyHash: sha256(token), models: [], passThroughKey: token };
}

/** Admin routes: the master key, or any key in local mode (no MASTER_KEY configured). */
export async function requireAdmin(request: Request): Promise<Caller> {
  const caller = await resolveCaller(request);
  if (caller.kind === "master" || caller.kind === "anonymous-local") return caller;
  throw new PermissionDeniedError("This endpoint needs the master key (MASTER_KEY).");
}
