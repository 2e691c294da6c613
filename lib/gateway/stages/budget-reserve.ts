import "server-only";
import { reserveBudgets } from "@/lib/cost/budgets";
import { estimateMicros } from "@/lib/cost/cost";
import { maxOutputTokens } from "@/lib/cost/prompt-size";
import { budgetSubject, type GatewayContext } from "../context";

/**
 * Stage: reserve the request's worst case (prompt + max output tokens at the dearest deployment
 * of the model asked for; a swap rule after this only ever makes it cheaper in practice) on every
 * budget that applies, or refuse with 429 budget_exceeded. Settled with the true cost after the
 * response. A model without a price reserves nothing (its cost is unknown; the request is
 * flagged, not blocked).
 */
export async function budgetReserve(ctx: GatewayContext): Promise<void> {
  const co = ctx.config.helix_settings.cost_optimization;
  if (!co.enabled) return;
  const estimate = estimateMicros(ctx.chain ?? [], ctx.promptTokens ?? 0, maxOutputTokens(ctx.chatRequest, co.reserve_output_tokens), ctx.receivedAt, ctx.config) ?? 0;
  const reservation = await reserveBudgets({ requestId: ctx.requestId, ...budgetSubject(ctx), estimateMicros: estimate, config: co });
  if (reservation.entries.length > 0 || reservation.usedPct > 0) ctx.budget = reservation;
}
