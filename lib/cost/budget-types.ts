// What budgets, alerts and the admin API share about one budget in one period.
import type { BudgetPeriod, BudgetScope } from "./cost-schema";

/** A budget that applies to a request, resolved from the database or the config. */
export interface BudgetDefinition {
  scope: BudgetScope;
  /** The key/user/team/org id, the end user's name, or "global". */
  scopeId: string;
  /** Undefined: no spend limit (the row carries rate limits only). */
  limitMicros?: number;
  period: BudgetPeriod;
  periodDays?: number;
  timezone: string;
  soft: boolean;
  /** Percentages that alert (the config's defaults already applied). */
  alertThresholds: number[];
  rpm?: number;
  tpm?: number;
  /** Where periods of type "days" are counted from. */
  anchor: Date;
  /** Where it came from: the budgets table or the config (global_budget, end_user_budget). */
  source: "database" | "config";
}

/** One budget's counters in its current period. */
export interface BudgetUsage {
  scope: BudgetScope;
  scopeId: string;
  limitMicros: number;
  spentMicros: number;
  reservedMicros: number;
  periodStart: Date;
  resetAt: Date;
  soft: boolean;
  alertThresholds: number[];
}

/** A settled request's effect on one budget: what alerts compare against the thresholds. */
export interface BudgetSettlement extends BudgetUsage {
  spentBeforeMicros: number;
  /** The budget's period type (alerts name it: "daily", "every 14 days"). */
  period?: BudgetPeriod;
  periodDays?: number;
}
