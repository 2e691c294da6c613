// Cache analytics: hits and misses by type, per model and per tenant, and what hits saved
// (upstream latency, tokens — priced once the cost module exists). In Redis they live in one hash,
// `helix:cache:metrics`, shared by every instance; without Redis, in this process.
import "server-only";
import { getKv } from "@/lib/store/kv";
import type { RedisKv } from "@/lib/store/kv-redis";
import type { CacheStatus } from "@/lib/gateway/context";
import { cacheUnavailable } from "./degraded";

export const CACHE_METRICS_KEY = "helix:cache:metrics";

export interface CacheEvent {
  status: CacheStatus;
  model: string;
  tenant: string;
  savedMs?: number;
  savedPromptTokens?: number;
  savedCompletionTokens?: number;
}

const STATUS_FIELD: Record<CacheStatus, string> = { HIT: "hit", SEMANTIC_HIT: "semantic_hit", MISS: "miss", BYPASS: "bypass" };

function fields(e: CacheEvent): Array<[string, number]> {
  const s = STATUS_FIELD[e.status];
  const out: Array<[string, number]> = [
    [s, 1],
    [`model:${e.model}:${s}`, 1],
    [`tenant:${e.tenant}:${s}`, 1],
  ];
  if (e.status === "HIT" || e.status === "SEMANTIC_HIT") {
    out.push(["saved_ms", Math.round(e.savedMs ?? 0)], ["saved_prompt_tokens", e.savedPromptTokens ?? 0], ["saved_completion_tokens", e.savedCompletionTokens ?? 0]);
    out.push([`model:${e.model}:saved_ms`, Math.round(e.savedMs ?? 0)]);
  }
  return out;
}

const memory = ((globalThis as unknown as { __helixCacheMetrics?: Map<string, number> }).__helixCacheMetrics ??= new Map());

/** Counts one request's cache outcome; never awaited, never throws. */
export function recordCacheEvent(e: CacheEvent): void {
  const kv = getKv();
  const f = fields(e);
  if (kv.kind !== "redis") {
    for (const [k, n] of f) memory.set(k, (memory.get(k) ?? 0) + n);
    return;
  }
  (kv as RedisKv)
    .use("HINCRBY", (r) => {
      const p = r.pipeline();
      for (const [k, n] of f) p.hincrby(CACHE_METRICS_KEY, k, n);
      return p.exec();
    })
    .catch((err: unknown) => cacheUnavailable("cache metrics", err));
}

interface Counts {
  hit: number;
  semantic_hit: number;
  miss: number;
  bypass: number;
  saved_ms?: number;
}

export interface CacheMetricsSnapshot extends Counts {
  requests: number;
  hit_rate: number;
  saved_ms: number;
  saved_prompt_tokens: number;
  saved_completion_tokens: number;
  by_model: Record<string, Counts & { hit_rate: number }>;
  by_tenant: Record<string, Counts & { hit_rate: number }>;
}

const empty = (): Counts => ({ hit: 0, semantic_hit: 0, miss: 0, bypass: 0 });
const rate = (c: Counts) => {
  const looked = c.hit + c.semantic_hit + c.miss;
  return looked === 0 ? 0 : (c.hit + c.semantic_hit) / looked;
};

export function summarise(raw: Record<string, number>): CacheMetricsSnapshot {
  const by_model: Record<string, Counts> = {};
  const by_tenant: Record<string, Counts> = {};
  for (const [k, v] of Object.entries(raw)) {
    // model:<name>:<field> — model names may contain ":" (ft:gpt-4o…), so split at the last one.
    const m = /^(model|tenant):(.+):([a-z_]+)$/.exec(k);
    if (!m) continue;
    const target = m[1] === "model" ? by_model : by_tenant;
    const c = (target[m[2]] ??= empty()) as unknown as Record<string, number>;
    c[m[3]] = (c[m[3]] ?? 0) + v;
  }
  const totals: Counts = { hit: raw.hit ?? 0, semantic_hit: raw.semantic_hit ?? 0, miss: raw.miss ?? 0, bypass: raw.bypass ?? 0 };
  const withRate = (r: Record<string, Counts>) => Object.fromEntries(Object.entries(r).map(([k, c]) => [k, { ...c, hit_rate: rate(c) }]));
  return {
    ...totals,
    requests: totals.hit + totals.semantic_hit + totals.miss + totals.bypass,
    hit_rate: rate(totals),
    saved_ms: raw.saved_ms ?? 0,
    saved_prompt_tokens: raw.saved_prompt_tokens ?? 0,
    saved_completion_tokens: raw.saved_completion_tokens ?? 0,
    by_model: withRate(by_model),
    by_tenant: withRate(by_tenant),
  };
}

/** Everything counted so far (all instances, with Redis). */
export async function cacheMetrics(): Promise<CacheMetricsSnapshot> {
  const kv = getKv();
  if (kv.kind !== "redis") return summarise(Object.fromEntries(memory));
  const raw = await (kv as RedisKv).use("HGETALL", (r) => r.hgetall(CACHE_METRICS_KEY));
  return summarise(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])));
}
