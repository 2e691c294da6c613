import "server-only";
import type { HelixError } from "@/lib/errors";
import { enqueueRequestLog, type RequestLogEntry } from "@/lib/store/request-log";
import { observeRequestEnd } from "@/lib/observability/request-end";
import { elapsedMs, type GatewayContext } from "./context";
import { requestFinished } from "./in-flight";

export interface Outcome {
  status: number;
  error?: HelixError;
  /** The client went away before the answer ended (logged as 499, nginx's convention). */
  clientDisconnected?: boolean;
}

/**
 * Queues the request's log row and marks it finished. Called exactly once per request (for streams,
 * after the last byte). Synchronous and in memory: the database write happens in batches later.
 */
export function recordRequest(ctx: GatewayContext, outcome: Outcome): void {
  requestFinished();
  // Prompt text is kept only once it has been through the PII scan (or PII protection is off): a
  // request that failed before or inside the scan (blocked, scanner error, unknown model) still
  // holds the raw text.
  const storePrompts =
    ctx.config.helix_settings.general.store_prompts && (ctx.pii !== undefined || !ctx.config.helix_settings.pii_protection.enabled);
  const stream = ctx.chatRequest?.stream === true;
  const cost = ctx.cost;
  const entry: RequestLogEntry = {
    id: ctx.requestId,
    createdAt: ctx.receivedAt,
    endpoint: ctx.endpoint,
    apiKeyId: ctx.caller?.keyId ?? null,
    // Only unregistered local-mode keys are identified by their hash; the master key's hash is
    // never written anywhere (an unsalted hash of a weak master key could be cracked offline).
    keyHash: ctx.caller?.kind === "anonymous-local" ? ctx.caller.keyHash : null,
    userId: ctx.caller?.userId ?? null,
    teamId: ctx.caller?.teamId ?? null,
    orgId: ctx.caller?.orgId ?? null,
    endUser: ctx.chatRequest?.user ?? ctx.embeddingsRequest?.user ?? null,
    requestedModel: ctx.requestedModel ?? "",
    servedModel: ctx.served?.model ?? null,
    provider: ctx.served?.provider ?? ctx.attempts.at(-1)?.provider ?? null,
    status: outcome.clientDisconnected ? 499 : outcome.status,
    errorType: outcome.clientDisconnected ? "client_disconnected" : (outcome.error?.type ?? null),
    errorMessage: outcome.error?.message.slice(0, 1000) ?? null,
    stream,
    cacheStatus: ctx.cacheStatus ?? null,
    cacheSimilarity: ctx.cache?.similarity ?? null,
    cacheSavedMs: ctx.cache?.savedMs ?? null,
    attempts: Math.max(1, ctx.attempts.length),
    latencyMs: elapsedMs(ctx),
    upstreamLatencyMs: ctx.upstreamLatencyMs ?? null,
    ttftMs: ctx.ttftMs ?? null,
    // Tokens as priced: the provider's usage, or Helix's count where it reported none.
    inputTokens: cost?.usage?.input ?? ctx.usage?.prompt_tokens ?? null,
    outputTokens: cost?.usage?.output ?? ctx.usage?.completion_tokens ?? null,
    cachedInputTokens: cost?.usage?.cachedInput ?? null,
    reasoningTokens: cost?.usage?.reasoning ?? null,
    costMicros: cost ? cost.cost.micros : null,
    costStatus: cost?.cost.status ?? null,
    priceSource: cost?.cost.source ?? null,
    cacheSavingsMicros: cost?.cacheSavingsMicros ?? null,
    swapSavingsMicros: cost?.swapSavingsMicros ?? null,
    swapRule: ctx.swap?.rule ?? null,
    swapReason: ctx.swap?.reason ?? null,
    prompt: storePrompts ? ((ctx.chatRequest?.messages ?? ctx.embeddingsRequest?.input ?? null) as never) : null,
    response: storePrompts ? ((ctx.responseBody ?? null) as never) : null,
  };
  enqueueRequestLog(entry);
  observeRequestEnd(entry);
}
