// The Prometheus metric names Helix exposes at /metrics: the one contract shared by the exporter
// (lib/metrics/prometheus.ts), the Grafana dashboard (deploy/grafana/dashboards/helix.json) and the alert
// rules (deploy/prometheus/helix_rules.yml). deploy tests check the dashboards and rules against
// this list, so a renamed metric fails a test instead of silently emptying a panel.

/** Prefix of every Helix metric, including prom-client's default process/Node metrics. */
export const METRIC_PREFIX = "helix_";

/** Seconds; shared by every Helix histogram. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export const HELIX_METRICS = {
  requestsTotal: "helix_requests_total",
  requestDurationSeconds: "helix_request_duration_seconds",
  upstreamDurationSeconds: "helix_upstream_duration_seconds",
  gatewayOverheadSeconds: "helix_gateway_overhead_seconds",
  timeToFirstTokenSeconds: "helix_time_to_first_token_seconds",
  tokensTotal: "helix_tokens_total",
  costUsdTotal: "helix_cost_usd_total",
  savingsUsdTotal: "helix_savings_usd_total",
  cacheLookupsTotal: "helix_cache_lookups_total",
  piiDetectionsTotal: "helix_pii_detections_total",
  budgetUtilizationRatio: "helix_budget_utilization_ratio",
  budgetRejectionsTotal: "helix_budget_rejections_total",
  rateLimitRejectionsTotal: "helix_rate_limit_rejections_total",
  upstreamErrorsTotal: "helix_upstream_errors_total",
  upstreamRetriesTotal: "helix_upstream_retries_total",
  requestsInFlight: "helix_requests_in_flight",
  embeddingDurationSeconds: "helix_embedding_duration_seconds",
} as const;

export type HelixMetricName = (typeof HELIX_METRICS)[keyof typeof HELIX_METRICS];

/** Label names of each Helix metric, in the contract's order. */
export const HELIX_METRIC_LABELS: Record<HelixMetricName, readonly string[]> = {
  helix_requests_total: ["endpoint", "model", "provider", "status", "cache"],
  helix_request_duration_seconds: ["endpoint", "model", "stream"],
  helix_upstream_duration_seconds: ["provider", "model"],
  helix_gateway_overhead_seconds: ["endpoint"],
  helix_time_to_first_token_seconds: ["provider", "model"],
  helix_tokens_total: ["model", "provider", "type"],
  helix_cost_usd_total: ["model", "provider"],
  helix_savings_usd_total: ["kind"],
  helix_cache_lookups_total: ["type", "result"],
  helix_pii_detections_total: ["entity", "action"],
  helix_budget_utilization_ratio: ["scope", "scope_id"],
  helix_budget_rejections_total: ["scope"],
  helix_rate_limit_rejections_total: ["scope"],
  helix_upstream_errors_total: ["provider", "model", "kind"],
  helix_upstream_retries_total: ["provider", "model"],
  helix_requests_in_flight: [],
  helix_embedding_duration_seconds: ["model"],
};

/**
 * prom-client's collectDefaultMetrics({ prefix: "helix_" }) families that dashboards and rules
 * may use (a subset of what it exports; all are present on every Node version Helix supports).
 */
export const HELIX_PROCESS_METRICS = [
  "helix_process_cpu_user_seconds_total",
  "helix_process_cpu_system_seconds_total",
  "helix_process_cpu_seconds_total",
  "helix_process_start_time_seconds",
  "helix_process_resident_memory_bytes",
  "helix_process_open_fds",
  "helix_nodejs_eventloop_lag_seconds",
  "helix_nodejs_eventloop_lag_p99_seconds",
  "helix_nodejs_heap_size_used_bytes",
  "helix_nodejs_heap_size_total_bytes",
  "helix_nodejs_active_handles_total",
  "helix_nodejs_gc_duration_seconds",
] as const;

/** Every metric name a dashboard panel or alert rule may reference. */
export const ALL_HELIX_METRIC_NAMES: readonly string[] = [...Object.values(HELIX_METRICS), ...HELIX_PROCESS_METRICS];

/** Histogram/summary series suffixes Prometheus derives from a family name. */
const SERIES_SUFFIXES = ["_bucket", "_sum", "_count"] as const;

/** The family a series name belongs to (helix_x_seconds_bucket → helix_x_seconds). */
export function metricFamily(series: string): string {
  if (ALL_HELIX_METRIC_NAMES.includes(series)) return series;
  for (const suffix of SERIES_SUFFIXES) {
    if (series.endsWith(suffix)) return series.slice(0, -suffix.length);
  }
  return series;
}

/** helix_* names a PromQL expression refers to, which are not Helix metrics (empty = all known). */
export function unknownHelixMetrics(expr: string): string[] {
  const names = expr.match(/\bhelix_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map(metricFamily))].filter((n) => !ALL_HELIX_METRIC_NAMES.includes(n));
}
