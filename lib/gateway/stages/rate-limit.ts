import "server-only";
import { budgetDefinitions } from "@/lib/cost/budget-definitions";
import { maxOutputTokens } from "@/lib/cost/prompt-size";
import { logger } from "@/lib/observability/logger";
import { checkRateLimits, rateLimitHeaders, rateLimitsOf } from "@/lib/ratelimit/rate-limits";
import { budgetSubject, type GatewayContext } from "../context";

/**
 * Stage: requests and tokens per minute of the key, user and team (and any scope with rpm/tpm),
 * counted before anything costly happens; 429 with retry-after when one is exhausted. Tokens are
 * charged as prompt + max output now and corrected to the real usage after the response.
 */
export async function rateLimit(ctx: GatewayContext): Promise<void> {
  let limits;
  try {
    limits = rateLimitsOf(await budgetDefinitions().budgetsFor(budgetSubject(ctx), ctx.config.helix_settings.cost_optimization));
  } catch (err) {
    // The limits live in the database: while it cannot be read, requests are not limited.
    logger().warn({ requestId: ctx.requestId, err: err instanceof Error ? err.message : String(err) }, "rate limits not checked: limits could not be loaded");
    return;
  }
  if (limits.length === 0) return;
  const estimatedTokens = (ctx.promptTokens ?? 0) + maxOutputTokens(ctx.chatRequest, ctx.config.helix_settings.cost_optimization.reserve_output_tokens);
  ctx.rateLimit = await checkRateLimits({ limits, estimatedTokens });
  Object.assign(ctx.responseHeaders, rateLimitHeaders(ctx.rateLimit));
}
