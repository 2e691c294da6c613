// Budget wording for the cost page (pure): when a period resets, how full a budget is, which
// alert thresholds its spend has crossed.
import { formatDateTime } from "@/lib/dashboard/format";

/** "in 5 h" / "in 12 min" / "in 3 days" until `iso` from `nowMs` ("now" once past). */
export function formatTimeUntil(iso: string, nowMs: number): string {
  const ms = new Date(iso).getTime() - nowMs;
  if (!Number.isFinite(ms)) return "—";
  if (ms <= 0) return "now";
  const min = Math.round(ms / 60_000);
  if (min < 60) return `in ${Math.max(1, min)} min`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(ms / 86_400_000)} days`;
}

/** "resets in 5 h, at Nov 30, 2026, 00:00 UTC", or null without a reset time. */
export function formatReset(iso: string | null, nowMs: number): string | null {
  if (!iso) return null;
  return `resets ${formatTimeUntil(iso, nowMs)}, at ${formatDateTime(iso)}`;
}

export type UsageTone = "ok" | "warn" | "over";

/** Bar colour: warn from 80 %, over from 100 %. */
export function usageTone(usedPct: number | null): UsageTone {
  if (usedPct === null) return "ok";
  return usedPct >= 100 ? "over" : usedPct >= 80 ? "warn" : "ok";
}

/** The alert thresholds (percent) that the spend has reached, in ascending order. */
export function crossedThresholds(thresholds: readonly number[], usedPct: number | null): number[] {
  if (usedPct === null) return [];
  return [...thresholds].sort((a, b) => a - b).filter((t) => usedPct >= t);
}
