import "server-only";
import { PermissionDeniedError } from "@/lib/errors";
import { isModelAllowed, resolveModel } from "@/lib/routing/resolve-model";
import type { GatewayContext } from "../context";

/** Stage: which deployments serve the requested model, in order (404 if none, 403 if not allowed). */
export async function route(ctx: GatewayContext): Promise<void> {
  const model = ctx.requestedModel!;
  const allowed = ctx.caller?.models ?? [];
  if (!isModelAllowed(allowed, model, ctx.config)) {
    throw new PermissionDeniedError(`This key may not use model '${model}'. Allowed: ${allowed.join(", ")}.`, {
      param: "model",
      code: "model_not_allowed",
    });
  }
  const chain = resolveModel(model, ctx.config).chain;
  // Local mode: the caller's own key goes only to the provider of the model they asked for, never
  // to a fallback at another provider (an OpenAI key has no business reaching Anthropic).
  const own = ctx.caller?.passThroughKey;
  const provider = chain[0]?.provider;
  ctx.chain = own ? chain.map((t) => (t.apiKey || t.provider !== provider ? t : { ...t, apiKey: own })) : chain;
}
