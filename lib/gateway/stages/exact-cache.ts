import "server-only";
import { cacheDirectives } from "@/lib/cache/cache-directives";
import { getAnswerStore } from "@/lib/cache/answer-store-select";
import { lookupOrMiss } from "@/lib/cache/degraded";
import { cacheEnabledFor } from "@/lib/cache/cache-policy";
import { exactKey, tenantOf } from "@/lib/cache/request-key";
import { recordCacheLookup } from "@/lib/metrics/prometheus";
import type { GatewayContext, GatewayResult } from "../context";

/** Stage: an identical earlier request (same tenant, model, messages and settings) answers this one. */
export async function exactCache(ctx: GatewayContext): Promise<GatewayResult | void> {
  if (ctx.endpoint !== "chat.completions" || !ctx.chatRequest) return;
  const cfg = ctx.config.helix_settings.cache;
  const directives = cacheDirectives(ctx.request);
  const tenant = tenantOf(ctx.caller, cfg.scope);
  // A key or team with caching off is treated like caching off: nothing read, nothing written.
  const enabled = cacheEnabledFor(ctx.caller?.cache, cfg.enabled);
  const read = enabled && directives.read;
  const write = enabled && directives.write;
  ctx.cache = {
    tenant,
    read,
    write,
    ttlSeconds: directives.ttlSeconds ?? cfg.ttl,
    // Hashing the canonical request is the stage's main cost: only when something will use it.
    ...(read || write ? { exactKey: exactKey(tenant, ctx.chatRequest) } : {}),
  };
  if (!read) {
    ctx.cacheStatus = "BYPASS";
    return;
  }
  ctx.cacheStatus = "MISS";
  const answer = await lookupOrMiss("exact cache lookup", getAnswerStore().get(ctx.cache.exactKey!));
  recordCacheLookup("exact", Boolean(answer));
  if (!answer) return;
  ctx.cacheStatus = "HIT";
  return { kind: "cached", answer };
}
