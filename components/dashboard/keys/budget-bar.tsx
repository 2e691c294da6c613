import { formatUsd } from "@/lib/dashboard/format";
import type { BudgetJson } from "./types";

/** Spend against the limit this period: a bar coloured by how close it is, and the figures. */
export function BudgetBar({ budget, testId }: { budget: BudgetJson | undefined; testId?: string }) {
  if (!budget || budget.max_budget_usd === null) return <span className="text-slate-400">No limit</span>;
  if (budget.usage_unavailable) return <span className="text-amber-700" title="The budget counters could not be read">{formatUsd(budget.max_budget_usd)} · usage unavailable</span>;
  const pct = budget.used_pct ?? 0;
  const tone = pct >= 100 ? "bg-rose-500" : pct >= 80 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div data-testid={testId} className="min-w-40" title={`${formatUsd(budget.spend_usd)} of ${formatUsd(budget.max_budget_usd)} ${budget.period_label}`}>
      <div className="flex justify-between gap-2 text-xs tabular-nums">
        <span data-testid={testId ? `${testId}-spend` : undefined}>{formatUsd(budget.spend_usd)}</span>
        <span className="text-slate-500">
          / {formatUsd(budget.max_budget_usd)} · <span data-testid={testId ? `${testId}-pct` : undefined}>{Math.round(pct)}%</span>
        </span>
      </div>
      <div className="mt-1 h-1.5 rounded-full bg-slate-100">
        <div className={`h-1.5 rounded-full ${tone}`} style={{ width: `${Math.min(100, Math.max(0, pct))}%` }} />
      </div>
    </div>
  );
}

export function limitsLabel(b: BudgetJson | undefined): string {
  if (!b || (b.rpm === null && b.tpm === null)) return "—";
  return [b.rpm !== null ? `${b.rpm.toLocaleString("en-US")} rpm` : null, b.tpm !== null ? `${b.tpm.toLocaleString("en-US")} tpm` : null].filter(Boolean).join(" · ");
}
