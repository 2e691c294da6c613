import "server-only";
import { PermissionDeniedError } from "@/lib/errors";
import { resolveModel } from "@/lib/routing/resolve-model";
import type { GatewayContext } from "../context";

/** Stage: which deployments serve the requested model, in order (404 if none, 403 if not allowed). */
export async function route(ctx: GatewayContext): Promise<void> {
  const model = ctx.requestedModel!;
  const allowed = ctx.caller?.models ?? [];
  if (allowed.length > 0 && !allowed.includes(model)) {
    throw new PermissionDeniedError(`This key may not use model '${model}'. Allowed: ${allowed.join(", ")}.`, {
      param: "model",
      code: "model_not_allowed",
    });
  }
  const chain = resolveModel(model, ctx.config).chain;
  const own = ctx.caller?.passThroughKey;
  ctx.chain = own ? chain.map((t) => (t.apiKey ? t : { ...t, apiKey: own })) : chain;
}
