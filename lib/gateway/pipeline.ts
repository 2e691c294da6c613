import "server-only";
import { InternalError } from "@/lib/errors";
import type { GatewayContext, GatewayResult } from "./context";
import { authenticate } from "./stages/authenticate";
import { validateRequest } from "./stages/validate-request";
import { route } from "./stages/route";
import { callProvider } from "./stages/call-provider";

type Stage = (ctx: GatewayContext) => Promise<GatewayResult | void>;

/**
 * The order of the request pipeline, and the only place that knows it (house rule 3).
 * A stage ends the request early by returning a result or throwing a HelixError.
 */
const STAGES: readonly Stage[] = [authenticate, validateRequest, route, callProvider];

export async function runPipeline(ctx: GatewayContext): Promise<GatewayResult> {
  for (const stage of STAGES) {
    const result = await stage(ctx);
    if (result) return result;
  }
  throw new InternalError(new Error("pipeline ended without a result"));
}
