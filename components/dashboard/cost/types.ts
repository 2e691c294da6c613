// The JSON of /api/dashboard/cost and /api/dashboard/cost/budgets, as the cost page reads it.
import type { BudgetJson } from "@/components/dashboard/keys/types";
import type { Granularity } from "@/lib/dashboard/ranges";

export const COST_DIMENSION_TABS = [
  { id: "model", label: "Model" },
  { id: "team", label: "Team" },
  { id: "key", label: "Key" },
  { id: "end_user", label: "End user" },
  { id: "user", label: "User" },
  { id: "provider", label: "Provider" },
] as const;
export type CostDimensionId = (typeof COST_DIMENSION_TABS)[number]["id"];

export interface CostTotals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  spend_usd: number;
  cache_hits: number;
  cache_savings_usd: number;
  swaps: number;
  swap_savings_usd: number;
  unknown_cost_requests: number;
}

export interface CostResponse {
  range: string;
  dimension: CostDimensionId;
  from: string;
  to: string;
  granularity: Granularity;
  totals: CostTotals;
  groups: Array<CostTotals & { value: string; name: string; known: boolean; share: number | null }>;
  other: CostTotals & { values: number; share: number | null };
  unattributed: CostTotals & { share: number | null };
  series: Array<{
    bucket: string;
    by_value: Record<string, number>;
    other_usd: number;
    spend_usd: number;
    requests: number;
    cache_savings_usd: number;
    swap_savings_usd: number;
    swaps: number;
    unknown_cost_requests: number;
  }>;
  unknown_by_model: Array<{ model: string; requests: number }>;
}

/** A budget as /helix/budgets presents it, with the name of what it belongs to. */
export interface BudgetItem extends BudgetJson {
  name: string;
  source: string;
}

export interface BudgetAlertItem {
  id: string;
  scope: string;
  scope_id: string;
  name: string;
  threshold: number;
  spend_usd: number;
  limit_usd: number;
  percent: number;
  soft: boolean;
  period: string | null;
  reset_at: string | null;
  created_at: string;
  delivery_status: string;
  delivery_attempts: number;
  last_error: string | null;
}

export interface BudgetsResponse {
  enforced: boolean;
  budgets: BudgetItem[];
  alerts: BudgetAlertItem[];
  alerts_has_more: boolean;
  end_user_default: { max_budget_usd: number; period: string } | null;
}
