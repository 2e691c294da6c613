// A finished request's cost, savings and token usage, from what the gateway saw: the provider's
// reported usage (priced), or Helix's own token count when the provider reported none — an
// aborted stream is billed for what was produced (estimated). Cache hits cost nothing and record
// what they avoided; swaps record what the requested model would have cost for the same usage.
import "server-only";
import type { GatewayContext } from "@/lib/gateway/context";
import type { ProviderTarget } from "@/lib/providers/types";
import { costOf, type Cost } from "./cost";
import { chatPromptText, embeddingsInputText } from "./prompt-size";
import { countTokens, fromOpenAIUsage, MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS, type TokenUsage } from "./tokens";

export interface RequestCost {
  cost: Cost;
  usage?: TokenUsage;
  /** A cache hit: the answer's usage at the requested model's price (null: that price is unknown). */
  cacheSavingsMicros?: number | null;
  /** A swap: requested model's cost minus the served one's, same usage (negative if the swap cost more). */
  swapSavingsMicros?: number | null;
}

async function estimatedUsage(ctx: GatewayContext, producedText: string): Promise<TokenUsage> {
  let input = 0;
  if (ctx.chatRequest) {
    input = (await countTokens(chatPromptText(ctx.chatRequest))) + ctx.chatRequest.messages.length * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS;
  } else if (ctx.embeddingsRequest) {
    input = await countTokens(embeddingsInputText(ctx.embeddingsRequest));
  }
  const output = await countTokens(producedText);
  return { input, output, cachedInput: 0, cacheWrite: 0, reasoning: 0 };
}

function priceAs(target: ProviderTarget | undefined, usage: TokenUsage | undefined, ctx: GatewayContext): Cost | undefined {
  if (!target) return undefined;
  return costOf(target.provider, target.upstreamModel, usage, ctx.receivedAt, ctx.config);
}

/**
 * The cost of a request that has ended. `producedText` is what a stream delivered (content and
 * tool-call arguments), used only when the provider's usage never arrived.
 */
export async function requestCost(ctx: GatewayContext, producedText = ""): Promise<RequestCost> {
  const hit = ctx.cacheStatus === "HIT" || ctx.cacheStatus === "SEMANTIC_HIT";
  const requested = ctx.swap?.from ?? ctx.chain?.[0];
  if (hit) {
    const usage = fromOpenAIUsage(ctx.usage);
    const avoided = priceAs(requested, usage, ctx);
    return { cost: { micros: 0, status: "none" }, usage, cacheSavingsMicros: avoided ? avoided.micros : null };
  }
  if (!ctx.served) return { cost: { micros: 0, status: "none" } };

  let usage = fromOpenAIUsage(ctx.usage);
  let estimated = false;
  // No usage, or all zeros for a request that reached a model (servers that fill the field with
  // 0): counted by Helix rather than recorded as free.
  if (!usage || usage.input + usage.output === 0) {
    usage = await estimatedUsage(ctx, producedText);
    estimated = true;
  }
  const cost = costOf(ctx.served.provider, ctx.served.model, usage, ctx.receivedAt, ctx.config, estimated);
  let swapSavingsMicros: number | null | undefined;
  if (ctx.swap) {
    const would = costOf(ctx.swap.from.provider, ctx.swap.from.upstreamModel, usage, ctx.receivedAt, ctx.config, estimated);
    swapSavingsMicros = would.micros === null || cost.micros === null ? null : would.micros - cost.micros;
  }
  return { cost, usage, swapSavingsMicros };
}
