import "server-only";
import { recordBudgetAlerts } from "@/lib/cost/alerts";
import { settleBudgets } from "@/lib/cost/budgets";
import { settleTokens } from "@/lib/ratelimit/rate-limits";
import { recordBudgetUtilization } from "@/lib/metrics/prometheus";
import type { GatewayContext } from "./context";

/**
 * After the response, with the request's cost known: the budget reservation becomes the true
 * spend (alerts fire on the thresholds it crosses) and the token estimate charged to the rate
 * limits becomes the real count. An unpriced request settles at 0 (its cost is unknown, flagged).
 */
export async function settleSpend(ctx: GatewayContext): Promise<void> {
  const cost = ctx.cost;
  if (ctx.budget && ctx.budget.entries.length > 0) {
    const settlements = await settleBudgets(ctx.budget, cost?.cost.micros ?? 0);
    recordBudgetAlerts(settlements, ctx.config.helix_settings.cost_optimization);
    recordBudgetUtilization(settlements);
  }
  if (ctx.rateLimit && ctx.rateLimit.entries.length > 0) {
    // A cache hit used no provider tokens; nor did a request refused before the call.
    const usage = cost?.cost.status === "none" ? undefined : cost?.usage;
    await settleTokens(ctx.rateLimit, usage ? usage.input + usage.output : 0);
  }
}
