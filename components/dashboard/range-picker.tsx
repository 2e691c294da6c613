"use client";
import { DASHBOARD_RANGES, RANGE_LABELS, type DashboardRange } from "@/lib/dashboard/ranges";
import { useDashboardRange, useSetDashboardRange } from "./use-dashboard-range";

export function RangePicker() {
  const range = useDashboardRange();
  const setRange = useSetDashboardRange();
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="sr-only sm:not-sr-only">Time range</span>
      <select
        aria-label="Time range"
        value={range}
        onChange={(e) => setRange(e.target.value as DashboardRange)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800 shadow-sm"
      >
        {(Object.keys(DASHBOARD_RANGES) as DashboardRange[]).map((r) => (
          <option key={r} value={r}>
            {RANGE_LABELS[r]}
          </option>
        ))}
      </select>
    </label>
  );
}
