import "server-only";
import { env } from "@/lib/env";
import { dbInfo, pingDb } from "@/lib/store/db";
import { getKv } from "@/lib/store/kv";
import { isShuttingDown } from "@/lib/gateway/in-flight";
import { getConfig } from "@/lib/config/loader";
import { embedderStatus } from "@/lib/cache/embedders/select";
import { vectorStoreStatus } from "@/lib/cache/vector-stores/select";

const startedAt = Date.now();

/** GET /health: the process is up. No database, Redis or provider calls. */
export function liveness() {
  return { status: "ok", uptime_seconds: Math.round((Date.now() - startedAt) / 1000) };
}

interface Check {
  status: "ok" | "error";
  [detail: string]: unknown;
}

async function check(fn: () => Promise<Record<string, unknown>>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "ok", ...detail };
  } catch (err) {
    return { status: "error", error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /health/readiness: can this instance serve traffic? Only the database is required: with Redis
 * down, requests are still answered (the caches are bypassed), so the instance reports "degraded"
 * and stays in the load balancer — failing readiness would take every instance out at once.
 */
export async function readiness(): Promise<Response> {
  const [database, redis] = await Promise.all([
    check(async () => {
      await pingDb();
      const info = dbInfo();
      return { kind: info.kind, location: info.location, vector: info.vector };
    }),
    check(async () => {
      const kv = getKv();
      await kv.ping();
      return { kind: kv.kind, configured: Boolean(env().REDIS_URL) };
    }),
  ]);
  const semantic = getConfig().helix_settings.semantic_cache;
  const embedder = { ...embedderStatus(semantic), enabled: semantic.enabled };
  const vectorStore = vectorStoreStatus();
  const shuttingDown = isShuttingDown();
  const ready = database.status === "ok" && !shuttingDown;
  const degraded = redis.status !== "ok" || (semantic.enabled && !embedder.ready);
  const status = shuttingDown ? "shutting_down" : !ready ? "unavailable" : degraded ? "degraded" : "ok";
  return Response.json(
    { status, checks: { database, cache: redis, embedder, vector_store: vectorStore } },
    { status: ready ? 200 : 503 },
  );
}
