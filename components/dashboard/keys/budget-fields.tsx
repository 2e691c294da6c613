"use client";
// The budget and rate-limit inputs shared by "create key" and "edit budget" (keys and teams).
import { Field, inputClass } from "./modal";
import type { BudgetJson } from "./types";

export interface BudgetDraft {
  maxUsd: string;
  period: "daily" | "weekly" | "monthly" | "days";
  periodDays: string;
  timezone: string;
  rpm: string;
  tpm: string;
}

export const EMPTY_BUDGET: BudgetDraft = { maxUsd: "", period: "monthly", periodDays: "30", timezone: "UTC", rpm: "", tpm: "" };

export function draftFrom(b: BudgetJson | undefined): BudgetDraft {
  if (!b) return EMPTY_BUDGET;
  return {
    maxUsd: b.max_budget_usd === null ? "" : String(b.max_budget_usd),
    period: b.period,
    periodDays: String(b.period_days ?? 30),
    timezone: b.timezone,
    rpm: b.rpm === null ? "" : String(b.rpm),
    tpm: b.tpm === null ? "" : String(b.tpm),
  };
}

const num = (s: string) => (s.trim() === "" ? null : Number(s));

/** The draft as POST /helix/keys fields (max_budget_usd, budget_period "30d"…, budget_timezone, rpm, tpm). */
export function createKeyBudgetFields(d: BudgetDraft): Record<string, unknown> {
  const max = num(d.maxUsd);
  const out: Record<string, unknown> = {};
  if (max !== null) {
    out.max_budget_usd = max;
    out.budget_period = d.period === "days" ? `${d.periodDays}d` : d.period;
    out.budget_timezone = d.timezone.trim() || "UTC";
  }
  if (num(d.rpm) !== null) out.rpm = num(d.rpm);
  if (num(d.tpm) !== null) out.tpm = num(d.tpm);
  return out;
}

/** The draft as a PUT /helix/budgets/{scope}/{id} body (soft kept from the current budget). */
export function putBudgetBody(d: BudgetDraft, current: BudgetJson | undefined): Record<string, unknown> {
  return {
    max_budget_usd: num(d.maxUsd),
    period: d.period,
    ...(d.period === "days" ? { period_days: num(d.periodDays) } : {}),
    timezone: d.timezone.trim() || "UTC",
    soft: current?.soft ?? false,
    rpm: num(d.rpm),
    tpm: num(d.tpm),
  };
}

export function BudgetFields({ draft, onChange }: { draft: BudgetDraft; onChange: (d: BudgetDraft) => void }) {
  const set = (patch: Partial<BudgetDraft>) => onChange({ ...draft, ...patch });
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      <Field label="Max budget (USD)" hint="Requests are refused (429) once spend reaches it; empty = no limit.">
        <input data-testid="budget-max" className={inputClass} inputMode="decimal" type="number" min="0" step="any" placeholder="e.g. 25" value={draft.maxUsd} onChange={(e) => set({ maxUsd: e.target.value })} />
      </Field>
      <Field label="Period" hint="Spend resets at the start of each period.">
        <select data-testid="budget-period" className={inputClass} value={draft.period} onChange={(e) => set({ period: e.target.value as BudgetDraft["period"] })}>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly (from Monday)</option>
          <option value="monthly">Monthly (from the 1st)</option>
          <option value="days">Every N days</option>
        </select>
      </Field>
      {draft.period === "days" && (
        <Field label="Days per period">
          <input data-testid="budget-period-days" className={inputClass} type="number" min="1" max="3660" value={draft.periodDays} onChange={(e) => set({ periodDays: e.target.value })} />
        </Field>
      )}
      <Field label="Timezone" hint="Periods start at midnight here (IANA name).">
        <input data-testid="budget-timezone" className={inputClass} value={draft.timezone} onChange={(e) => set({ timezone: e.target.value })} placeholder="UTC" />
      </Field>
      <Field label="Requests per minute" hint="Empty = unlimited.">
        <input data-testid="budget-rpm" className={inputClass} type="number" min="1" step="1" value={draft.rpm} onChange={(e) => set({ rpm: e.target.value })} />
      </Field>
      <Field label="Tokens per minute" hint="Empty = unlimited.">
        <input data-testid="budget-tpm" className={inputClass} type="number" min="1" step="1" value={draft.tpm} onChange={(e) => set({ tpm: e.target.value })} />
      </Field>
    </div>
  );
}
