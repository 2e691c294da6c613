// Prometheus metrics of this instance (GET /metrics). The names and labels are a contract with the
// Grafana dashboard and the alert rules in deploy/: change them only together. Labels carry ids,
// model/provider names and enums only — never key values, prompts or personal data.
import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { inFlightRequests } from "@/lib/gateway/in-flight";
import { DURATION_BUCKETS, HELIX_METRICS as N, METRIC_PREFIX } from "./metric-names";

export { DURATION_BUCKETS };

export type MetricsEndpoint = "chat" | "embeddings";
export type CacheLabel = "HIT" | "SEMANTIC_HIT" | "MISS" | "BYPASS" | "NONE";
export type TokenType = "input" | "output" | "cached_input" | "reasoning";
export type UpstreamErrorKind = "429" | "5xx" | "4xx" | "timeout" | "connection";

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: [...DURATION_BUCKETS], registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  return {
    registry,
    requests: counter(N.requestsTotal, "Requests answered, by endpoint, model, provider, HTTP status and cache status.", ["endpoint", "model", "provider", "status", "cache"]),
    requestDuration: histogram(N.requestDurationSeconds, "Whole request as the client saw it (streams: until the last byte).", ["endpoint", "model", "stream"]),
    upstreamDuration: histogram(N.upstreamDurationSeconds, "Time spent waiting on the provider for the served attempt (streams: until the last chunk).", ["provider", "model"]),
    overhead: histogram(N.gatewayOverheadSeconds, "Request duration minus upstream duration, for requests that reached a provider.", ["endpoint"]),
    ttft: histogram(N.timeToFirstTokenSeconds, "Time from arrival to the first streamed chunk from the provider.", ["provider", "model"]),
    tokens: counter(N.tokensTotal, "Tokens as priced (the provider's usage, or Helix's count when it reported none).", ["model", "provider", "type"]),
    cost: counter(N.costUsdTotal, "Cost of requests in USD (unpriced requests add nothing).", ["model", "provider"]),
    savings: counter(N.savingsUsdTotal, "USD saved by cache hits and by model swaps that were cheaper.", ["kind"]),
    cacheLookups: counter(N.cacheLookupsTotal, "Cache lookups by type and result.", ["type", "result"]),
    pii: counter(N.piiDetectionsTotal, "Personal data detected in requests (sum of detection counts).", ["entity", "action"]),
    budgetUtilization: new Gauge<"scope" | "scope_id">({
      name: N.budgetUtilizationRatio,
      help: "Spent / limit of each budget settled against in its current period, as last seen by this instance.",
      labelNames: ["scope", "scope_id"],
      registers,
    }),
    budgetRejections: counter(N.budgetRejectionsTotal, "Requests refused because a hard budget was spent.", ["scope"]),
    rateLimitRejections: counter(N.rateLimitRejectionsTotal, "Requests refused by a requests- or tokens-per-minute limit.", ["scope"]),
    upstreamErrors: counter(N.upstreamErrorsTotal, "Failed upstream attempts (retried or not) by kind.", ["provider", "model", "kind"]),
    upstreamRetries: counter(N.upstreamRetriesTotal, "Upstream attempts after the first of a request (retries and fallbacks).", ["provider", "model"]),
    inFlight: new Gauge({
      name: N.requestsInFlight,
      help: "Requests started and not yet finished (streams until their last byte).",
      registers,
      collect() {
        this.set(inFlightRequests());
      },
    }),
    embedding: histogram(N.embeddingDurationSeconds, "Time to embed a prompt for the semantic cache.", ["model"]),
    startedAt: new Date(),
  };
}

type Metrics = ReturnType<typeof create>;

// One registry per process: Next.js may load this module more than once, and registering a
// metric name twice in one registry throws.
const g = globalThis as unknown as { __helixPrometheus?: Metrics };

function metrics(): Metrics {
  return (g.__helixPrometheus ??= create());
}

/** Recording must never break a request: a failure is swallowed (metrics are best effort). */
function safely(fn: (m: Metrics) => void): void {
  try {
    fn(metrics());
  } catch {
    // A bad label value or similar: losing one sample is better than failing the request.
  }
}

export interface RequestFigures {
  endpoint: MetricsEndpoint;
  model: string;
  provider: string;
  status: number;
  cache: CacheLabel;
  stream: boolean;
  totalSeconds: number;
  /** Set when the request reached a provider (the served attempt). */
  upstream?: { provider: string; model: string; seconds: number; ttftSeconds?: number };
  tokens?: Partial<Record<TokenType, number>>;
  costUsd?: number;
  cacheSavingsUsd?: number;
  swapSavingsUsd?: number;
}

const TOKEN_TYPES: readonly TokenType[] = ["input", "output", "cached_input", "reasoning"];

/** Everything the request end knows: counts, durations, tokens, cost and savings. */
export function recordRequestMetrics(r: RequestFigures): void {
  safely((m) => {
    m.requests.inc({ endpoint: r.endpoint, model: r.model, provider: r.provider, status: String(r.status), cache: r.cache });
    m.requestDuration.observe({ endpoint: r.endpoint, model: r.model, stream: r.stream ? "true" : "false" }, r.totalSeconds);
    if (r.upstream) {
      const labels = { provider: r.upstream.provider, model: r.upstream.model };
      m.upstreamDuration.observe(labels, r.upstream.seconds);
      m.overhead.observe({ endpoint: r.endpoint }, Math.max(0, r.totalSeconds - r.upstream.seconds));
      if (r.upstream.ttftSeconds !== undefined) m.ttft.observe(labels, r.upstream.ttftSeconds);
    }
    for (const type of TOKEN_TYPES) {
      const n = r.tokens?.[type];
      if (n && n > 0) m.tokens.inc({ model: r.model, provider: r.provider, type }, n);
    }
    if (r.costUsd && r.costUsd > 0) m.cost.inc({ model: r.model, provider: r.provider }, r.costUsd);
    if (r.cacheSavingsUsd && r.cacheSavingsUsd > 0) m.savings.inc({ kind: "cache" }, r.cacheSavingsUsd);
    // A counter only goes up: a swap that cost more than the requested model is not a saving.
    if (r.swapSavingsUsd && r.swapSavingsUsd > 0) m.savings.inc({ kind: "swap" }, r.swapSavingsUsd);
  });
}

export function recordCacheLookup(type: "exact" | "semantic", hit: boolean): void {
  safely((m) => m.cacheLookups.inc({ type, result: hit ? "hit" : "miss" }));
}

export function recordPiiDetections(findings: readonly { entityType: string; action: string; count: number }[]): void {
  if (findings.length === 0) return;
  safely((m) => {
    for (const f of findings) if (f.count > 0) m.pii.inc({ entity: f.entityType, action: f.action }, f.count);
  });
}

/**
 * Per budget settled against: spent / limit. End-user budgets are left out: their ids are the
 * callers' own `user` strings (unbounded, and possibly personal data such as an email).
 */
export function recordBudgetUtilization(budgets: readonly { scope: string; scopeId: string; spentMicros: number; limitMicros: number }[]): void {
  if (budgets.length === 0) return;
  safely((m) => {
    for (const b of budgets) {
      if (b.scope === "end_user" || !(b.limitMicros > 0)) continue;
      m.budgetUtilization.set({ scope: b.scope, scope_id: b.scopeId }, b.spentMicros / b.limitMicros);
    }
  });
}

export function recordRejection(kind: "budget" | "rate_limit", scope: string): void {
  safely((m) => (kind === "budget" ? m.budgetRejections : m.rateLimitRejections).inc({ scope }));
}

export function recordUpstreamError(provider: string, model: string, kind: UpstreamErrorKind): void {
  safely((m) => m.upstreamErrors.inc({ provider, model, kind }));
}

export function recordUpstreamRetry(provider: string, model: string): void {
  safely((m) => m.upstreamRetries.inc({ provider, model }));
}

export function recordEmbedding(model: string, seconds: number): void {
  safely((m) => m.embedding.observe({ model }, seconds));
}

/** The text exposition for GET /metrics. */
export async function metricsExposition(): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}

/** This instance's live counters since it started, for GET /helix/metrics. */
export async function liveCounters(): Promise<{
  startedAt: Date;
  inFlight: number;
  requests: number;
  errors: number;
  byStatus: Record<string, number>;
  cacheHits: number;
  tokens: Record<TokenType, number>;
  costUsd: number;
  savingsUsd: { cache: number; swap: number };
  upstreamErrors: number;
  upstreamRetries: number;
  budgetRejections: number;
  rateLimitRejections: number;
}> {
  const m = metrics();
  const [requests, tokens, cost, savings, upErr, upRetry, budget, rate] = await Promise.all([
    m.requests.get(),
    m.tokens.get(),
    m.cost.get(),
    m.savings.get(),
    m.upstreamErrors.get(),
    m.upstreamRetries.get(),
    m.budgetRejections.get(),
    m.rateLimitRejections.get(),
  ]);
  const sum = (vs: { value: number }[]) => vs.reduce((s, v) => s + v.value, 0);
  const byStatus: Record<string, number> = {};
  let errors = 0;
  let cacheHits = 0;
  for (const v of requests.values) {
    const status = String(v.labels.status);
    byStatus[status] = (byStatus[status] ?? 0) + v.value;
    if (Number(status) >= 400) errors += v.value;
    if (v.labels.cache === "HIT" || v.labels.cache === "SEMANTIC_HIT") cacheHits += v.value;
  }
  const tokenTotals: Record<TokenType, number> = { input: 0, output: 0, cached_input: 0, reasoning: 0 };
  for (const v of tokens.values) tokenTotals[v.labels.type as TokenType] += v.value;
  return {
    startedAt: m.startedAt,
    inFlight: inFlightRequests(),
    requests: sum(requests.values),
    errors,
    byStatus,
    cacheHits,
    tokens: tokenTotals,
    costUsd: sum(cost.values),
    savingsUsd: {
      cache: sum(savings.values.filter((v) => v.labels.kind === "cache")),
      swap: sum(savings.values.filter((v) => v.labels.kind === "swap")),
    },
    upstreamErrors: sum(upErr.values),
    upstreamRetries: sum(upRetry.values),
    budgetRejections: sum(budget.values),
    rateLimitRejections: sum(rate.values),
  };
}

/** Tests: a fresh registry. */
export function resetMetricsForTests(): void {
  g.__helixPrometheus = undefined;
}
