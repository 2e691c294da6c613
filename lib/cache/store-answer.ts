import "server-only";
import type { ChatCompletion } from "@/lib/gateway/openai-contract";
import type { GatewayContext } from "@/lib/gateway/context";
import { getAnswerStore } from "./answer-store-select";
import type { CachedAnswer } from "./cached-answer";
import { cacheUnavailable } from "./degraded";

/**
 * After a fresh answer went out: keep it for the next identical request. Never awaited by the
 * request; only complete answers (every choice finished) from upstream misses are kept.
 */
export function storeAnswer(ctx: GatewayContext, completion: ChatCompletion): void {
  const cache = ctx.cache;
  if (!cache?.write || !cache.exactKey || ctx.cacheStatus === "HIT" || ctx.cacheStatus === "SEMANTIC_HIT") return;
  if (completion.choices.length === 0 || completion.choices.some((c) => c.finish_reason === null || c.finish_reason === "content_filter")) return;
  const answer: CachedAnswer = {
    v: 1,
    completion,
    requestedModel: ctx.requestedModel ?? completion.model,
    tenant: cache.tenant,
    provider: ctx.served?.provider ?? "",
    storedAt: Date.now(),
    upstreamLatencyMs: ctx.upstreamLatencyMs ?? 0,
  };
  if (JSON.stringify(answer).length > ctx.config.helix_settings.cache.max_entry_bytes) return;
  getAnswerStore()
    .set(cache.exactKey, answer, cache.ttlSeconds)
    .catch((err: unknown) => cacheUnavailable("cache write", err));
}
