// GET /api/dashboard/health: the System health page (any signed-in role). Unlike /health (liveness,
// for load balancers) this describes every dependency, the providers' passive figures, this
// instance and its config; each part reports its own failure.
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { env } from "@/lib/env";
import { configPath, getConfig, getFileConfig, policyOverlayVersion } from "@/lib/config/loader";
import { embedderStatus } from "@/lib/cache/embedders/select";
import { embedderCallStats } from "@/lib/cache/embedders/timed";
import { getVectorStore, vectorStoreStatus } from "@/lib/cache/vector-stores/select";
import { dbInfo, getDb } from "@/lib/store/db";
import { getKv } from "@/lib/store/kv";
import type { RedisKv } from "@/lib/store/kv-redis";
import { requestLogStats } from "@/lib/store/request-log";
import { policyVersionStore } from "@/lib/store/policy-versions";
import { nowMs } from "@/lib/cost/clock";
import { configHash, databaseFacts, instanceFacts, probe, providerHealth, redisFacts, vectorStoreFacts, type ProviderWindow } from "@/lib/metrics/system-health";
import packageJson from "@/package.json";

const window = (w: ProviderWindow) => ({
  requests: w.requests,
  errors: w.errors,
  error_rate: w.errorRate,
  latency_p50_ms: w.latencyP50Ms,
  latency_p95_ms: w.latencyP95Ms,
});

export async function healthResponse(request: Request) {
  await requireDashboardSession(request);
  const e = env();
  const config = getConfig();
  const now = new Date(nowMs());
  const info = dbInfo();
  const kv = getKv();
  const configured = config.model_list.map((m) => ({ provider: m.provider, model: m.model_name }));

  const semantic = config.helix_settings.semantic_cache;
  const [database, redis, providers, latestPolicy, vectorProbe] = await Promise.all([
    probe(() => databaseFacts(getDb)),
    kv.kind === "redis" ? probe(() => redisFacts((kv as RedisKv).client)) : Promise.resolve(null),
    probe(async () => ({ list: await providerHealth(await getDb(), now, configured) }), 3_000),
    // The newest stored policy version (unique index on version): it can be ahead of the one in force for a poll interval.
    probe(async () => ({ record: await policyVersionStore().latest() })),
    // Live, with a short deadline: an unreachable Redis Stack or database must not show green.
    semantic.enabled ? probe(() => vectorStoreFacts(getVectorStore), 1_500) : Promise.resolve(null),
  ]);
  const inForce = policyOverlayVersion();
  const embedder = embedderStatus(semantic);
  // Read after the probe: the first getVectorStore() decides the kind.
  const vector = vectorStoreStatus();
  const calls = embedderCallStats(embedder.active);
  const inst = instanceFacts(String(packageJson.version ?? "unknown"), now.getTime());
  const logWriter = requestLogStats();

  return {
    object: "dashboard.health",
    checked_at: now.toISOString(),
    warnings: e.MASTER_KEY
      ? []
      : ["MASTER_KEY is not set: any API key is accepted (attributed by its hash). Set MASTER_KEY before exposing Helix beyond this machine."],
    auth: { master_key_set: Boolean(e.MASTER_KEY) },
    database:
      database.status === "ok"
        ? {
            status: "ok",
            kind: info.kind,
            kind_label: info.kind === "postgres" ? "PostgreSQL" : "PGlite (embedded)",
            location: info.location,
            vector: info.vector,
            round_trip_ms: database.roundTripMs,
            migrations_applied: database.migrationsApplied,
            latest_migration: database.latestMigration,
          }
        : { status: "error", kind: info.kind, kind_label: info.kind === "postgres" ? "PostgreSQL" : "PGlite (embedded)", location: info.location, error: database.error },
    redis:
      redis === null
        ? { status: "not_configured", note: "REDIS_URL is not set: exact cache, rate limits and budget counters live in this process." }
        : redis.status === "ok"
          ? { status: "ok", ping_ms: redis.pingMs, version: redis.version, used_memory_bytes: redis.usedMemoryBytes, used_memory_human: redis.usedMemoryHuman }
          : { status: "error", error: redis.error },
    semantic_cache_enabled: semantic.enabled,
    vector_store: {
      kind: vector.kind,
      reason: vector.reason,
      shared: vector.shared,
      ...(vectorProbe === null ? { status: "not_configured" } : vectorProbe.status === "ok" ? { status: "ok", ping_ms: vectorProbe.pingMs } : { status: "error", error: vectorProbe.error }),
    },
    embedder: {
      configured: embedder.configured,
      active: embedder.active || null,
      dimensions: embedder.dimensions,
      fallback: embedder.fallback,
      ready: embedder.ready,
      reason: embedder.reason ?? null,
      // This process's embedding calls (none are made for this page): the latest success and failure.
      calls: calls.calls,
      errors: calls.errors,
      last_ok_at: calls.lastOkAt?.toISOString() ?? null,
      last_latency_ms: calls.lastLatencyMs,
      last_error_at: calls.lastErrorAt?.toISOString() ?? null,
      last_error: calls.lastError,
    },
    providers:
      providers.status === "ok"
        ? {
            status: "ok",
            list: providers.list.map((p) => ({
              provider: p.provider,
              configured: p.configured,
              models: p.models,
              last_hour: window(p.lastHour),
              last_24h: window(p.lastDay),
              last_error: p.lastError
                ? { at: p.lastError.at.toISOString(), status: p.lastError.status, error_type: p.lastError.errorType, model: p.lastError.model, request_id: p.lastError.requestId }
                : null,
            })),
          }
        : { status: "error", error: providers.error, list: [] },
    instance: {
      version: inst.version,
      node: inst.node,
      pid: inst.pid,
      hostname: inst.hostname,
      platform: inst.platform,
      started_at: inst.startedAt.toISOString(),
      uptime_seconds: inst.uptimeSeconds,
      rss_bytes: inst.rssBytes,
      heap_used_bytes: inst.heapUsedBytes,
      heap_total_bytes: inst.heapTotalBytes,
      request_log_writer: { queued: logWriter.queued, written: logWriter.written, failed_flushes: logWriter.failedFlushes, dropped: logWriter.dropped },
    },
    config: {
      path: configPath() ?? null,
      source: configPath() ? "file" : "defaults (HELIX_CONFIG not set)",
      // Effective = the file with the dashboard's policies over it; instances showing the same hash run the same settings.
      hash: configHash(config),
      file_hash: configHash(getFileConfig()),
      models: config.model_list.length,
      store_prompts: config.helix_settings.general.store_prompts,
      policy_overlay: {
        active: inForce > 0,
        version_in_force: inForce,
        latest_version: latestPolicy.status === "ok" ? (latestPolicy.record?.version ?? 0) : null,
        latest_saved_at: latestPolicy.status === "ok" && latestPolicy.record ? latestPolicy.record.createdAt.toISOString() : null,
        latest_saved_by: latestPolicy.status === "ok" && latestPolicy.record ? latestPolicy.record.createdBy : null,
        error: latestPolicy.status === "error" ? latestPolicy.error : null,
      },
    },
  };
}
