import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_MS, LATENCY_COLUMNS, latencyBucketFilters, latencyPercentile } from "./latency-histogram";

describe("latency histogram", () => {
  it("has one column per bound plus the overflow, with filters that do not overlap", () => {
    expect(LATENCY_COLUMNS).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
    const f = latencyBucketFilters("i");
    expect(f[0]).toBe("i.latency_ms <= 10");
    expect(f[1]).toBe("i.latency_ms > 10 AND i.latency_ms <= 25");
    expect(f.at(-1)).toBe("i.latency_ms > 60000");
  });

  it("interpolates percentiles inside the bucket, and within one bucket width of the exact value", () => {
    // 1,000 latencies spread evenly over 1..1000 ms.
    const values = Array.from({ length: 1_000 }, (_, i) => i + 1);
    const counts = LATENCY_COLUMNS.map((_, i) => {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i] ?? Infinity;
      return values.filter((v) => v > lower && v <= upper).length;
    });
    expect(latencyPercentile(counts, 0.5)).toBeCloseTo(500, 0);
    expect(latencyPercentile(counts, 0.95)).toBeCloseTo(950, 0);
    expect(latencyPercentile(counts, 0.01)).toBeCloseTo(10, 0);
  });

  it("answers null without requests and the last bound for the overflow bucket", () => {
    expect(latencyPercentile(LATENCY_COLUMNS.map(() => 0), 0.5)).toBeNull();
    const slow = LATENCY_COLUMNS.map((_, i) => (i === LATENCY_COLUMNS.length - 1 ? 3 : 0));
    expect(latencyPercentile(slow, 0.99)).toBe(60_000);
  });
});
