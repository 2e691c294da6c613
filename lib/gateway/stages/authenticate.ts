import "server-only";
import { resolveCaller } from "@/lib/auth/caller";
import type { GatewayContext } from "../context";

/** Stage: who is calling (401 when the key is missing, unknown or revoked). */
export async function authenticate(ctx: GatewayContext): Promise<void> {
  ctx.caller = await resolveCaller(ctx.request);
}
