// The dashboard's system health: database, Redis, providers (passively, from the usage rollups and
// a bounded read of recent 5xx rows — never a call to a provider), this instance and its config.
// Every probe reports its failure instead of throwing, so one dead dependency cannot hide the rest.
import "server-only";
import os from "node:os";
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { LATENCY_COLUMNS, latencyPercentile } from "@/lib/store/latency-histogram";
import { queryRequestLogs } from "./request-log-query";

export type ProbeStatus = "ok" | "error" | "not_configured";

/** Runs a probe with a deadline; its failure (or silence) becomes `{status: "error", error}`. */
export async function probe<T extends object>(fn: () => Promise<T>, timeoutMs = 2_000): Promise<({ status: "ok" } & T) | { status: "error"; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const v = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "ok", ...v };
  } catch (err) {
    return { status: "error", error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

// ---- database --------------------------------------------------------------------------------------

export interface DatabaseFacts {
  roundTripMs: number;
  migrationsApplied: number;
  latestMigration: string | null;
}

/** A trivial query's round trip, and the migrations recorded as applied. */
export async function databaseFacts(db: () => Promise<PrismaClient>): Promise<DatabaseFacts> {
  const client = await db();
  const t0 = performance.now();
  await client.$queryRawUnsafe("SELECT 1");
  const roundTripMs = round1(performance.now() - t0);
  const [m] = await client.$queryRawUnsafe<Array<{ n: number; latest: string | null }>>(
    `SELECT count(*)::int AS n, max(migration_name) AS latest FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return { roundTripMs, migrationsApplied: Number(m?.n ?? 0), latestMigration: m?.latest ?? null };
}

// ---- Redis ------------------------------------------------------------------------------------------

/** The slice of ioredis the probe needs. */
export interface RedisLike {
  ping(): Promise<unknown>;
  info(section: string): Promise<string>;
}

export interface RedisFacts {
  pingMs: number;
  version: string | null;
  usedMemoryBytes: number | null;
  usedMemoryHuman: string | null;
}

function infoField(info: string, name: string): string | null {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  return m ? m[1].trim() : null;
}

export async function redisFacts(client: RedisLike): Promise<RedisFacts> {
  const t0 = performance.now();
  await client.ping();
  const pingMs = round1(performance.now() - t0);
  const [server, memory] = await Promise.all([client.info("server"), client.info("memory")]);
  const used = infoField(memory, "used_memory");
  return {
    pingMs,
    version: infoField(server, "redis_version"),
    usedMemoryBytes: used === null ? null : Number(used),
    usedMemoryHuman: infoField(memory, "used_memory_human"),
  };
}

// ---- vector store --------------------------------------------------------------------------------

/** The slice of a vector store the probe needs. */
export interface PingableStore {
  ping(): Promise<void>;
}

export interface VectorStoreFacts {
  pingMs: number;
}

/**
 * A live round trip to the semantic cache's vector store (PING for Redis Stack, SELECT 1 for
 * pgvector): the store's recorded choice alone says nothing about whether it answers now.
 */
export async function vectorStoreFacts(store: () => Promise<PingableStore>): Promise<VectorStoreFacts> {
  const s = await store();
  const t0 = performance.now();
  await s.ping();
  return { pingMs: round1(performance.now() - t0) };
}

// ---- providers -----------------------------------------------------------------------------------

export interface ProviderWindow {
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface ProviderHealth {
  provider: string;
  configured: boolean;
  /** model_name entries of the config's model_list served by this provider. */
  models: string[];
  lastHour: ProviderWindow;
  lastDay: ProviderWindow;
  lastError: { at: Date; status: number; errorType: string | null; model: string; requestId: string } | null;
}

const EMPTY: ProviderWindow = { requests: 0, errors: 0, errorRate: null, latencyP50Ms: null, latencyP95Ms: null };

async function providerWindow(db: PrismaClient, granularity: "minute" | "hour", from: Date, to: Date): Promise<Map<string, ProviderWindow>> {
  // (granularity, bucket) index: one window of buckets, the provider rows among them.
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT value, COALESCE(sum(requests), 0)::float8 AS requests, COALESCE(sum(errors), 0)::float8 AS errors, ` +
      LATENCY_COLUMNS.map((c, i) => `COALESCE(sum(${c}), 0)::float8 AS l${i}`).join(", ") +
      ` FROM usage_rollups WHERE granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3) AND dimension = 'provider' GROUP BY value`,
    granularity,
    from.toISOString(),
    to.toISOString(),
  );
  const out = new Map<string, ProviderWindow>();
  for (const r of rows) {
    const hist = LATENCY_COLUMNS.map((_, i) => Number(r[`l${i}`] ?? 0));
    const requests = Number(r.requests);
    const p = (q: number) => {
      const v = latencyPercentile(hist, q);
      return v === null ? null : round1(v);
    };
    out.set(String(r.value), {
      requests,
      errors: Number(r.errors),
      errorRate: requests > 0 ? Number(r.errors) / requests : null,
      latencyP50Ms: p(0.5),
      latencyP95Ms: p(0.95),
    });
  }
  return out;
}

/**
 * Per provider: the last hour (minute buckets) and the last 24 h (hour buckets) from the rollups,
 * and the newest 5xx among the last day's newest 200 (the status index, read newest first).
 */
export async function providerHealth(db: PrismaClient, now: Date, configured: Array<{ provider: string; model: string }>): Promise<ProviderHealth[]> {
  const minuteTo = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  const hourTo = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const [hour, day, errors] = await Promise.all([
    providerWindow(db, "minute", new Date(minuteTo.getTime() - 3_600_000), minuteTo),
    providerWindow(db, "hour", new Date(hourTo.getTime() - 86_400_000), hourTo),
    queryRequestLogs(db, { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 60_000), status: "5xx" }, { limit: 200 }),
  ]);
  const lastError = new Map<string, ProviderHealth["lastError"]>();
  for (const r of errors.rows) {
    const p = r.provider ?? "";
    if (!lastError.has(p)) lastError.set(p, { at: r.createdAt, status: r.status, errorType: r.errorType, model: r.requestedModel, requestId: r.id });
  }
  const models = new Map<string, string[]>();
  for (const m of configured) models.set(m.provider, [...(models.get(m.provider) ?? []), m.model]);
  const names = new Set([...models.keys(), ...hour.keys(), ...day.keys()]);
  names.delete("");
  return [...names]
    .map((provider) => ({
      provider,
      configured: models.has(provider),
      models: models.get(provider) ?? [],
      lastHour: hour.get(provider) ?? EMPTY,
      lastDay: day.get(provider) ?? EMPTY,
      lastError: lastError.get(provider) ?? null,
    }))
    .sort((a, b) => b.lastDay.requests - a.lastDay.requests || a.provider.localeCompare(b.provider));
}

// ---- instance and config ---------------------------------------------------------------------------

export interface InstanceFacts {
  version: string;
  node: string;
  pid: number;
  hostname: string;
  platform: string;
  startedAt: Date;
  uptimeSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
}

export function instanceFacts(version: string, now = Date.now()): InstanceFacts {
  const mem = process.memoryUsage();
  const uptime = process.uptime();
  return {
    version,
    node: process.version,
    pid: process.pid,
    hostname: os.hostname(),
    platform: `${process.platform} ${process.arch}`,
    startedAt: new Date(now - uptime * 1000),
    uptimeSeconds: Math.round(uptime),
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    heapTotalBytes: mem.heapTotal,
  };
}

/** A short, stable fingerprint of the effective config (key order does not matter). */
export function configHash(config: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash("sha256").update(JSON.stringify(canon(config))).digest("hex").slice(0, 12);
}
