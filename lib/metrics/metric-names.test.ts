import { collectDefaultMetrics, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { ALL_HELIX_METRIC_NAMES, HELIX_METRIC_LABELS, HELIX_METRICS, HELIX_PROCESS_METRICS, metricFamily, unknownHelixMetrics } from "./metric-names";

describe("metric names", () => {
  it("every contract metric is helix_-prefixed snake case and has its labels listed", () => {
    for (const name of Object.values(HELIX_METRICS)) {
      expect(name).toMatch(/^helix_[a-z0-9_]+$/);
      expect(HELIX_METRIC_LABELS[name]).toBeDefined();
    }
    expect(Object.keys(HELIX_METRIC_LABELS).sort()).toEqual(Object.values(HELIX_METRICS).sort());
  });

  it("the process metrics are ones prom-client's default collectors really export with the helix_ prefix", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "helix_" });
    const exported = (await registry.getMetricsAsJSON()).map((m) => m.name);
    for (const name of HELIX_PROCESS_METRICS) expect(exported).toContain(name);
  });

  it("maps histogram series to their family and flags unknown names", () => {
    expect(metricFamily("helix_request_duration_seconds_bucket")).toBe("helix_request_duration_seconds");
    expect(metricFamily("helix_requests_total")).toBe("helix_requests_total");
    expect(metricFamily("helix_nodejs_active_handles_total")).toBe("helix_nodejs_active_handles_total");
    expect(unknownHelixMetrics('sum(rate(helix_requests_total{status=~"5.."}[5m])) / sum(rate(helix_request_duration_seconds_count[5m]))')).toEqual([]);
    expect(unknownHelixMetrics("rate(helix_request_total[5m]) + helix_cache_hits_total")).toEqual(["helix_request_total", "helix_cache_hits_total"]);
    expect(ALL_HELIX_METRIC_NAMES).toContain("helix_process_resident_memory_bytes");
  });
});

describe("the exporter (lib/metrics/prometheus.ts) keeps the contract", () => {
  it("/metrics declares every name dashboards and alert rules may use, with the contract's type", async () => {
    const { metricsExposition, resetMetricsForTests } = await import("./prometheus");
    resetMetricsForTests();
    const { body } = await metricsExposition();
    const types = new Map([...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    for (const name of ALL_HELIX_METRIC_NAMES) expect(types.has(name), name).toBe(true);
    for (const name of Object.values(HELIX_METRICS)) {
      const expected = name.endsWith("_total") ? "counter" : name.endsWith("_seconds") ? "histogram" : "gauge";
      expect(types.get(name), name).toBe(expected);
    }
  });
});

describe("the exporter's label names", () => {
  it("match HELIX_METRIC_LABELS once every family has a sample", async () => {
    const p = await import("./prometheus");
    p.resetMetricsForTests();
    p.recordRequestMetrics({
      endpoint: "chat",
      model: "m",
      provider: "openai",
      status: 200,
      cache: "MISS",
      stream: true,
      totalSeconds: 1,
      upstream: { provider: "openai", model: "m", seconds: 0.9, ttftSeconds: 0.2 },
      tokens: { input: 3, output: 4 },
      costUsd: 0.01,
      cacheSavingsUsd: 0.001,
    });
    p.recordCacheLookup("exact", false);
    p.recordPiiDetections([{ entityType: "EMAIL", action: "redact", count: 2 }]);
    p.recordBudgetUtilization([{ scope: "team", scopeId: "t1", spentMicros: 5, limitMicros: 10 }]);
    p.recordRejection("budget", "team");
    p.recordRejection("rate_limit", "key");
    p.recordUpstreamError("openai", "m", "5xx");
    p.recordUpstreamRetry("openai", "m");
    p.recordEmbedding("use-lite", 0.01);
    const { body } = await p.metricsExposition();
    for (const [name, labels] of Object.entries(HELIX_METRIC_LABELS)) {
      const series = name.endsWith("_seconds") ? `${name}_count` : name;
      const line = body.split("\n").find((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `));
      expect(line, name).toBeDefined();
      const found = [...line!.matchAll(/([a-z_]+)="/g)].map((m) => m[1]).filter((l) => l !== "le");
      expect(found.sort(), name).toEqual([...labels].sort());
    }
  });
});
