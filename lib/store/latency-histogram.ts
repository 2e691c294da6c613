// Request latency as a fixed histogram in the usage rollups, so percentiles over any range and
// dimension come from the rollups (summed bucket counts) instead of a scan of request_logs. Pure:
// the rollup statement, its readers and the dashboard share the bounds.

/** Upper bounds (ms, inclusive) of the buckets; one more bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000] as const;

/** usage_rollups columns, one per bucket, fastest first. */
export const LATENCY_COLUMNS: readonly string[] = [...LATENCY_BOUNDS_MS.map((b) => `latency_le_${b}`), `latency_gt_${LATENCY_BOUNDS_MS.at(-1)}`];

/** SQL filters (over log rows aliased `alias`) that put each request in exactly one bucket. */
export function latencyBucketFilters(alias: string): string[] {
  return LATENCY_COLUMNS.map((_, i) => {
    const lower = i === 0 ? undefined : LATENCY_BOUNDS_MS[i - 1];
    const upper = LATENCY_BOUNDS_MS[i];
    const conds = [lower === undefined ? undefined : `${alias}.latency_ms > ${lower}`, upper === undefined ? undefined : `${alias}.latency_ms <= ${upper}`].filter(Boolean);
    return conds.join(" AND ");
  });
}

/**
 * The p-th percentile (0 < p ≤ 1) of a histogram given as counts per bucket (LATENCY_COLUMNS
 * order), interpolated linearly inside its bucket; null for no requests. Requests slower than the
 * last bound are reported at that bound (a lower limit: "over 60 s").
 */
export function latencyPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i] ?? LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
      if (i >= LATENCY_BOUNDS_MS.length) return upper;
      return lower + ((upper - lower) * (rank - seen)) / counts[i];
    }
    seen += counts[i];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
