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
