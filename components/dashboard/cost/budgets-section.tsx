"use client";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatUsd } from "@/lib/dashboard/format";
import { crossedThresholds, formatReset, usageTone, type UsageTone } from "./budget-format";
import { formatDateTime } from "@/lib/dashboard/format";
import type { BudgetAlertItem, BudgetItem, BudgetsResponse } from "./types";
import { useNow } from "./use-now";

const SCOPE_LABELS: Record<string, string> = { global: "Global", org: "Org", team: "Team", user: "User", key: "Key", end_user: "End user" };
const BAR: Record<UsageTone, string> = { ok: "bg-emerald-500", warn: "bg-amber-500", over: "bg-rose-600" };
const DELIVERY_TONE: Record<string, "good" | "warn" | "bad" | "neutral"> = { delivered: "good", pending: "warn", failed: "bad", none: "neutral" };

/** Budgets with their current period, and the recent alerts (budgets are not tied to the page's range). */
export function BudgetsSection() {
  const q = useDashboardQuery<BudgetsResponse>("/api/dashboard/cost/budgets", {}, { range: false });
  return (
    <div className="grid gap-6 xl:grid-cols-3">
      <Card testId="card-budgets" className="xl:col-span-2" title="Budget utilisation" subtitle="Spend in each budget's current period against its limit; bars turn amber at 80 % and red at 100 %">
        <StaleNotice error={q.data ? q.error : null} />
        <QueryState query={q} height="h-48" isEmpty={(b) => b.budgets.length === 0} empty="No budgets yet. Set one on a key, team, user or org under Keys & teams, or in helix.yaml.">
          {(b) => <BudgetTable budgets={b.budgets} enforced={b.enforced} endUserDefault={b.end_user_default} />}
        </QueryState>
      </Card>
      <Card testId="card-alerts" title="Recent budget alerts" subtitle="Thresholds crossed, newest first, with webhook delivery">
        <QueryState query={q} height="h-48" isEmpty={(b) => b.alerts.length === 0} empty="No budget alerts.">
          {(b) => <AlertList alerts={b.alerts} />}
        </QueryState>
      </Card>
    </div>
  );
}

function BudgetTable({ budgets, enforced, endUserDefault }: { budgets: BudgetItem[]; enforced: boolean; endUserDefault: BudgetsResponse["end_user_default"] }) {
  const now = useNow();
  return (
    <div className="space-y-3">
      {!enforced && <p className="text-xs text-amber-700">Budgets are not enforced (cost_optimization.enabled is off): spend is tracked, nothing is refused.</p>}
      {endUserDefault && (
        <p className="text-xs text-slate-500">
          Every end user without a budget of their own gets {formatUsd(endUserDefault.max_budget_usd)} per {endUserDefault.period === "days" ? "period" : endUserDefault.period.replace(/ly$/, "").replace("dai", "day")} (cost_optimization.end_user_budget).
        </p>
      )}
      <ul data-testid="budget-list" className="divide-y divide-slate-100">
        {budgets.map((b) => {
          const pct = b.used_pct;
          const tone = usageTone(pct);
          const crossed = crossedThresholds(b.alert_thresholds, pct);
          const reset = formatReset(b.reset_at, now);
          return (
            <li key={`${b.scope}-${b.scope_id}`} data-testid={`budget-row-${b.scope}-${b.scope_id}`} className="py-3 text-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                <div className="flex min-w-0 items-baseline gap-2">
                  <Badge tone="info">{SCOPE_LABELS[b.scope] ?? b.scope}</Badge>
                  <span className="truncate font-medium text-slate-800" title={b.scope_id}>
                    {b.name}
                  </span>
                  {b.name !== b.scope_id && <span className="hidden truncate text-xs text-slate-400 sm:inline">{b.scope_id}</span>}
                  {b.soft && <Badge tone="neutral">soft · alerts only</Badge>}
                </div>
                <div className="tabular-nums text-slate-700">
                  {b.max_budget_usd === null ? (
                    <span className="text-slate-500">no spend limit{b.rpm !== null ? ` · ${b.rpm} rpm` : ""}{b.tpm !== null ? ` · ${b.tpm} tpm` : ""}</span>
                  ) : (
                    <>
                      <span data-testid="budget-spend" className="font-semibold text-slate-900">
                        {b.usage_unavailable ? "unavailable" : formatUsd(b.spend_usd)}
                      </span>
                      <span className="text-slate-500"> of {formatUsd(b.max_budget_usd)}</span>
                      {pct !== null && <span className={`ml-2 font-medium ${tone === "over" ? "text-rose-700" : tone === "warn" ? "text-amber-700" : "text-slate-600"}`}>{pct.toFixed(pct < 10 ? 1 : 0)}%</span>}
                    </>
                  )}
                </div>
              </div>
              {b.max_budget_usd !== null && (
                <div className="mt-2 h-2 rounded-full bg-slate-100" role="progressbar" aria-label={`${b.name} budget used`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(100, Math.round(pct ?? 0))}>
                  <div className={`h-2 rounded-full ${BAR[tone]}`} style={{ width: `${Math.min(100, Math.max(pct && pct > 0 ? 1 : 0, pct ?? 0))}%` }} />
                </div>
              )}
              <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
                <span>{b.period_label}</span>
                {reset && <span data-testid="budget-reset" title={b.reset_at ?? undefined}>{reset}</span>}
                {b.alert_thresholds.length > 0 && (
                  <span className="flex items-center gap-1">
                    alerts at {b.alert_thresholds.map((t) => `${t}%`).join(", ")}
                    {crossed.length > 0 && (
                      <span data-testid="budget-crossed" className="ml-1 flex gap-1">
                        {crossed.map((t) => (
                          <Badge key={t} tone={t >= 100 ? "bad" : "warn"}>
                            {t}% crossed
                          </Badge>
                        ))}
                      </span>
                    )}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function AlertList({ alerts }: { alerts: BudgetAlertItem[] }) {
  return (
    <ul data-testid="alert-list" className="divide-y divide-slate-100">
      {alerts.map((a) => (
        <li key={a.id} data-testid={`alert-row-${a.id}`} className="py-2.5 text-sm">
          <div className="flex items-baseline justify-between gap-2">
            <span className="min-w-0 truncate">
              <span className="text-slate-500">{SCOPE_LABELS[a.scope] ?? a.scope}</span>{" "}
              <span className="font-medium text-slate-800" title={a.scope_id}>
                {a.name}
              </span>
              {a.name !== a.scope_id && <span className="ml-1 text-xs text-slate-400">{a.scope_id}</span>}
            </span>
            <Badge tone={a.threshold >= 100 ? "bad" : "warn"}>{a.threshold}%</Badge>
          </div>
          <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
            <span className="tabular-nums">
              {formatUsd(a.spend_usd)} of {formatUsd(a.limit_usd)} ({a.percent}%){a.period ? ` · ${a.period}` : ""}
              {a.soft ? " · soft" : ""}
            </span>
            <span title={a.last_error ?? undefined}>
              <Badge tone={DELIVERY_TONE[a.delivery_status] ?? "neutral"}>{a.delivery_status === "none" ? "no webhook" : a.delivery_status}</Badge>
            </span>
          </div>
          <div className="mt-0.5 text-xs text-slate-400">{formatDateTime(a.created_at)}</div>
        </li>
      ))}
    </ul>
  );
}
