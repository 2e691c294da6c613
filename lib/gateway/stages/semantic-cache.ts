import "server-only";
import { getAnswerStore } from "@/lib/cache/answer-store-select";
import { lookupOrMiss } from "@/lib/cache/degraded";
import { semanticThresholdFor } from "@/lib/cache/cache-policy";
import { semanticKey } from "@/lib/cache/request-key";
import { findSemanticAnswer } from "@/lib/cache/semantic-lookup";
import { embedderStatus, getEmbedder } from "@/lib/cache/embedders/select";
import { getVectorStore } from "@/lib/cache/vector-stores/select";
import { recordCacheLookup } from "@/lib/metrics/prometheus";
import type { GatewayContext, GatewayResult } from "../context";

// Embedding is the slow part of a lookup (~15 ms per prompt on the wasm encoder, one at a time);
// past this, the request goes upstream rather than waiting on a busy embedder.
const EMBED_DEADLINE_MS = 1_000;
// Under load the embedder is the bottleneck: with this many prompts already waiting, a new one
// skips the semantic lookup at once instead of queueing behind them (the exact cache still works).
const MAX_WAITING_EMBEDS = 8;
const waiting = ((globalThis as unknown as { __helixWaitingEmbeds?: { n: number } }).__helixWaitingEmbeds ??= { n: 0 });

/**
 * Stage: a paraphrase of an earlier prompt, in exactly the same scope (tenant, model, system
 * prompt, earlier turns, tools, sampling), answers this one — unless the guard vetoes it.
 */
export async function semanticCache(ctx: GatewayContext): Promise<GatewayResult | void> {
  const cache = ctx.cache;
  const req = ctx.chatRequest;
  const cfg = ctx.config.helix_settings.semantic_cache;
  if (!cache || !req || !cfg.enabled || (!cache.read && !cache.write)) return;
  if ((req.temperature ?? 1) > cfg.max_temperature) return;
  if (cfg.skip_tool_requests && (req.tools?.length ?? 0) > 0) return;
  const key = semanticKey(cache.tenant, req);
  if (!key) return;
  // Tokenized PII placeholders are numbered per request (<PERSON_1> is this prompt's first name,
  // not a role): a paraphrase could swap who is who, so such prompts are served exactly or not at all.
  const tokens = ctx.pii?.tokens;
  if (tokens) {
    const upper = key.text.toUpperCase();
    for (const body of tokens.bodies()) if (upper.includes(`<${body}>`)) return;
  }
  // A model still loading must not hold requests up: they go upstream until it is ready.
  if (!embedderStatus(cfg).ready) {
    getEmbedder(cfg).catch(() => {});
    return;
  }
  if (waiting.n >= MAX_WAITING_EMBEDS) return;
  waiting.n++;
  const embedding = getEmbedder(cfg)
    .then(async (e) => {
      const r = e.embedDetailed ? await e.embedDetailed([key.text]) : { vectors: await e.embed([key.text]), truncated: [false] };
      return { embedder: e, vector: r.vectors[0], truncated: r.truncated[0] };
    })
    .finally(() => waiting.n--);
  const vector = await lookupOrMiss("prompt embedding", embedding, EMBED_DEADLINE_MS);
  // A prompt longer than the embedder's window is only partly embedded: two prompts sharing their
  // first few hundred tokens would look identical, so such prompts are never served semantically.
  if (!vector || vector.truncated) return;
  cache.semantic = { scope: key.scope, text: key.text, embedder: vector.embedder.id, dimensions: vector.embedder.dimensions, vector: vector.vector };
  if (!cache.read) return;

  const threshold = semanticThresholdFor(ctx.caller?.cache, cfg, req.model);
  const semantic = cache.semantic;
  const hit = await lookupOrMiss(
    "semantic cache lookup",
    getVectorStore().then((store) => findSemanticAnswer(store, getAnswerStore(), semantic, threshold, cfg.guard, cache.tenant)),
  );
  recordCacheLookup("semantic", Boolean(hit));
  if (!hit) return;
  ctx.cacheStatus = "SEMANTIC_HIT";
  cache.similarity = hit.similarity;
  return { kind: "cached", answer: hit.answer };
}
