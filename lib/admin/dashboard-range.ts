// The ?range= of dashboard APIs: one of lib/dashboard/ranges.ts, or a 400 that lists them.
import "server-only";
import { nowMs } from "@/lib/cost/clock";
import { InvalidRequestError } from "@/lib/errors";
import { DASHBOARD_RANGES, DEFAULT_RANGE, isDashboardRange, type DashboardRange } from "@/lib/dashboard/ranges";

export interface RangeQuery {
  range: DashboardRange;
  rangeMs: number;
  /** The end of the range: now (the injectable clock). */
  to: Date;
}

export function parseRange(request: Request): RangeQuery {
  const raw = new URL(request.url).searchParams.get("range") ?? DEFAULT_RANGE;
  if (!isDashboardRange(raw)) {
    throw new InvalidRequestError(`Unknown range '${raw}'. Use one of: ${Object.keys(DASHBOARD_RANGES).join(", ")}.`, { param: "range" });
  }
  return { range: raw, rangeMs: DASHBOARD_RANGES[raw], to: new Date(nowMs()) };
}
