// The dashboard's time ranges (pure: pages, components and APIs share it).
export const DASHBOARD_RANGES = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "90d": 90 * 86_400_000,
  "365d": 365 * 86_400_000,
} as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;
export const DEFAULT_RANGE: DashboardRange = "24h";

export const RANGE_LABELS: Record<DashboardRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last year",
};

export function isDashboardRange(value: unknown): value is DashboardRange {
  return typeof value === "string" && Object.hasOwn(DASHBOARD_RANGES, value);
}

export type Granularity = "minute" | "hour" | "day";

/** Buckets fine enough for a chart, coarse enough to read few rollup rows. */
export function granularityFor(rangeMs: number): Granularity {
  return rangeMs <= 6 * 3_600_000 ? "minute" : rangeMs <= 14 * 86_400_000 ? "hour" : "day";
}
