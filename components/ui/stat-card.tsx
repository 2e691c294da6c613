import { formatPct, trend } from "@/lib/dashboard/format";

/**
 * One headline figure with its change against the previous period. `goodWhen` says which way is
 * good (spend going up is not), so the trend is coloured right.
 */
export function StatCard({
  label,
  value,
  current,
  previous,
  goodWhen = "up",
  hint,
  testId,
}: {
  label: string;
  value: string;
  current?: number | null;
  previous?: number | null;
  goodWhen?: "up" | "down" | "neutral";
  hint?: string;
  testId?: string;
}) {
  const t = current === undefined || previous === undefined ? null : trend(current, previous);
  const good = t === null || goodWhen === "neutral" ? null : goodWhen === "up" ? t >= 0 : t <= 0;
  return (
    <div data-testid={testId} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div data-testid={testId ? `${testId}-value` : undefined} className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">
        {value}
      </div>
      <div className="mt-1 h-4 text-xs">
        {t !== null ? (
          <span className={good === null ? "text-slate-500" : good ? "text-emerald-600" : "text-rose-600"} title="Against the previous period of the same length">
            {t >= 0 ? "▲" : "▼"} {formatPct(Math.abs(t))} vs previous
          </span>
        ) : (
          <span className="text-slate-400">{hint ?? "\u00a0"}</span>
        )}
      </div>
    </div>
  );
}
