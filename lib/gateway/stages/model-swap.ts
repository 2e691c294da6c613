import "server-only";
import type { HelixConfig } from "@/lib/config/schema";
import { chatPromptTokens, requestedMaxTokens } from "@/lib/cost/prompt-size";
import { HelixError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import type { ProviderTarget } from "@/lib/providers/types";
import { isModelAllowed, resolveModel, resolveModelName } from "@/lib/routing/resolve-model";
import { evaluateSwapRules, type SwapFacts } from "@/lib/routing/swap-rules";
import type { GatewayContext } from "../context";

/** undefined when no budget applies (a Reservation says 0 % then): budget_used_pct conditions are false. */
function budgetUsedPct(b: GatewayContext["budget"]): number | undefined {
  if (!b || b.usages.length === 0) return undefined;
  return b.usedPct;
}

/** What the rules see of this request. */
export function swapFacts(ctx: GatewayContext, requested: string): SwapFacts {
  const req = ctx.chatRequest!;
  const c = ctx.caller;
  let resolvedModel: string | undefined;
  try {
    resolvedModel = resolveModelName(requested, ctx.config);
  } catch {
    resolvedModel = undefined; // route has already refused a broken alias
  }
  return {
    model: requested,
    ...(resolvedModel !== undefined && resolvedModel !== requested ? { resolvedModel } : {}),
    team: { id: c?.teamId, name: c?.teamName },
    key: { id: c?.keyId, name: c?.keyName },
    user: { id: c?.userId, name: c?.userExternalId },
    end_user: req.user,
    max_tokens: requestedMaxTokens(req),
    prompt_tokens: ctx.promptTokens ?? chatPromptTokens(req),
    budget_used_pct: budgetUsedPct(ctx.budget),
    stream: req.stream === true,
    tools: (req.tools?.length ?? 0) > 0,
  };
}

/** Whether a call to this deployment can authenticate (openai-compatible servers may need no key). */
const hasCredentials = (t: ProviderTarget) => t.apiKey !== undefined || t.provider === "openai-compatible";

/** Header values must be visible ASCII; other rule names are sent percent-encoded. */
const headerValue = (s: string) => (/^[\x20-\x7e]+$/.test(s) ? s : encodeURIComponent(s));

// A misconfigured rule would otherwise log on every request.
const warned = new WeakMap<HelixConfig, Set<string>>();
function warnOnce(ctx: GatewayContext, rule: string, to: string, why: string): void {
  let seen = warned.get(ctx.config);
  if (!seen) warned.set(ctx.config, (seen = new Set()));
  const id = `${rule}\u0000${why}`;
  if (seen.has(id)) return;
  seen.add(id);
  logger().warn({ requestId: ctx.requestId, rule, to, why }, "model-swap rule matched but was not applied (logged once per rule and config)");
}

/**
 * Stage (after route and budget reserve, before PII): the first cost_optimization rule that
 * matches this chat request serves its action.model instead of the requested one. Skipped, with
 * a warning, when the key may not use the target (an admin rule never grants a model), when the
 * target cannot be resolved, or when none of its deployments has credentials; the request is then
 * served as asked. Embeddings requests are never swapped (a rule could name a chat model).
 */
export async function modelSwap(ctx: GatewayContext): Promise<void> {
  const co = ctx.config.helix_settings.cost_optimization;
  if (!co.enabled || !co.model_swapping || co.rules.length === 0) return;
  const req = ctx.chatRequest;
  if (ctx.endpoint !== "chat.completions" || !req) return;
  const requested = ctx.requestedModel ?? req.model;
  const facts = swapFacts(ctx, requested);
  const decision = evaluateSwapRules(co.rules, facts);
  if (!decision) return;

  if (!isModelAllowed(ctx.caller?.models ?? [], decision.model, ctx.config)) {
    return warnOnce(ctx, decision.rule, decision.model, "the key's model allow-list does not include the target");
  }
  let target;
  try {
    target = resolveModel(decision.model, ctx.config);
  } catch (err) {
    if (err instanceof HelixError) return warnOnce(ctx, decision.rule, decision.model, err.message);
    throw err;
  }
  // Another name for what was asked (an alias either way): nothing changes.
  if (target.model === (facts.resolvedModel ?? requested)) return;

  // The requested model's primary deployment: what the swap saved is priced against it.
  const from = ctx.chain?.[0] ?? resolveModel(requested, ctx.config).chain[0];
  // Local mode: the caller's own key goes only to the provider of the model they asked for (as in
  // route), never to a swap target at another provider.
  const own = ctx.caller?.passThroughKey;
  const chain: ProviderTarget[] = own
    ? target.chain.map((t) => (t.apiKey || t.provider !== from.provider ? t : { ...t, apiKey: own }))
    : target.chain;
  if (!chain.some(hasCredentials)) {
    return warnOnce(ctx, decision.rule, decision.model, "no deployment of the target has an API key configured");
  }

  ctx.swap = { from, toModel: target.model, rule: decision.rule, reason: decision.reason };
  ctx.chain = chain;
  // The caches key answers by the request's model: key them by the model that now answers, so a
  // swapped answer is never served to an unswapped request for the requested model.
  ctx.chatRequest = { ...req, model: target.model };
  ctx.responseHeaders["x-helix-swap"] = headerValue(decision.rule);
  logger().debug({ requestId: ctx.requestId, rule: decision.rule, from: requested, to: target.model, reason: decision.reason }, "model swapped");
}
