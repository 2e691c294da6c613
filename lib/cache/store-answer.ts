import "server-only";
import type { ChatCompletion } from "@/lib/gateway/openai-contract";
import { elapsedMs, type GatewayContext } from "@/lib/gateway/context";
import { getAnswerStore } from "./answer-store-select";
import type { CachedAnswer } from "./cached-answer";
import { cacheUnavailable } from "./degraded";
import { indexSemanticAnswer } from "./semantic-lookup";
import { getVectorStore } from "./vector-stores/select";

/**
 * After a fresh answer went out: keep it for the next identical request. Never awaited by the
 * request; only complete answers (every choice finished) from upstream misses are kept.
 */
export function storeAnswer(ctx: GatewayContext, completion: ChatCompletion): void {
  const cache = ctx.cache;
  if (!cache?.write || !cache.exactKey || ctx.cacheStatus === "HIT" || ctx.cacheStatus === "SEMANTIC_HIT") return;
  if (completion.choices.length === 0 || completion.choices.some((c) => c.finish_reason === null || c.finish_reason === "content_filter")) return;
  // A stream that delivered fewer choices than asked for (n) is incomplete.
  if (completion.choices.length < (ctx.chatRequest?.n ?? 1)) return;
  const answer: CachedAnswer = {
    v: 1,
    completion,
    requestedModel: ctx.requestedModel ?? completion.model,
    tenant: cache.tenant,
    provider: ctx.served?.provider ?? "",
    semanticText: cache.semantic?.text,
    storedAt: Date.now(),
    // What a hit will save: the whole answer's time (for a stream, until its last chunk).
    upstreamLatencyMs: ctx.chatRequest?.stream ? elapsedMs(ctx) : (ctx.upstreamLatencyMs ?? 0),
  };
  if (JSON.stringify(answer).length > ctx.config.helix_settings.cache.max_entry_bytes) return;
  const key = cache.exactKey;
  const semantic = cache.semantic;
  getAnswerStore()
    .set(key, answer, cache.ttlSeconds)
    // The vector goes in only once its answer is stored: a hit must always find the answer.
    .then(async () => {
      if (!semantic) return;
      const ttl = Math.min(cache.ttlSeconds, ctx.config.helix_settings.semantic_cache.ttl);
      await indexSemanticAnswer(await getVectorStore(), semantic, key, Date.now() + ttl * 1000, answer.requestedModel);
    })
    .catch((err: unknown) => cacheUnavailable("cache write", err));
}
