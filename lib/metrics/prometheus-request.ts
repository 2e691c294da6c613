// The request end's figures, taken from the gateway context once per request (lib/gateway/pipeline.ts).
import "server-only";
import { BudgetExceededError, GatewayTimeoutError, BadGatewayError, RateLimitError, UpstreamError, type HelixError } from "@/lib/errors";
import type { GatewayContext } from "@/lib/gateway/context";
import { recordPiiDetections, recordRejection, recordRequestMetrics, type UpstreamErrorKind } from "./prometheus";

const micros = (v: number | null | undefined): number | undefined => (typeof v === "number" && v > 0 ? v / 1_000_000 : undefined);

/**
 * The model label: the served model, else the requested one when the config knows it. A name the
 * client made up (refused before routing) is "unknown": labels never carry arbitrary client input.
 */
export function modelLabel(ctx: GatewayContext): string {
  if (ctx.served) return ctx.served.model;
  const requested = ctx.requestedModel;
  if (!requested) return "unknown";
  if (ctx.chain && ctx.chain.length > 0) return requested;
  return ctx.config.model_list.some((m) => m.model_name === requested) ? requested : "unknown";
}

/**
 * The served attempt's upstream time. A stream's attempt ends at its first chunk, but the provider
 * keeps sending until the last: its upstream time runs from the attempt's start to the end.
 */
function upstreamSeconds(ctx: GatewayContext, totalMs: number): number | undefined {
  if (ctx.upstreamLatencyMs === undefined) return undefined;
  if (ctx.ttftMs !== undefined) {
    const startedAtMs = Math.max(0, ctx.ttftMs - ctx.upstreamLatencyMs);
    return Math.max(0, totalMs - startedAtMs) / 1000;
  }
  return ctx.upstreamLatencyMs / 1000;
}

/** Called once per request, after its cost is known. Never throws. */
export function recordRequestEnd(ctx: GatewayContext, outcome: { status: number; error?: HelixError; clientDisconnected?: boolean }, totalMs: number): void {
  try {
    const model = modelLabel(ctx);
    const provider = ctx.served?.provider ?? ctx.attempts.at(-1)?.provider ?? "none";
    const cost = ctx.cost;
    const up = ctx.served ? upstreamSeconds(ctx, totalMs) : undefined;
    const usage = cost?.usage;
    recordRequestMetrics({
      endpoint: ctx.endpoint === "embeddings" ? "embeddings" : "chat",
      model,
      provider,
      status: outcome.clientDisconnected ? 499 : outcome.status,
      cache: ctx.cacheStatus ?? "NONE",
      stream: ctx.chatRequest?.stream === true,
      totalSeconds: totalMs / 1000,
      ...(ctx.served && up !== undefined
        ? { upstream: { provider: ctx.served.provider, model: ctx.served.model, seconds: up, ...(ctx.ttftMs !== undefined ? { ttftSeconds: ctx.ttftMs / 1000 } : {}) } }
        : {}),
      tokens: usage
        ? { input: usage.input, output: usage.output, cached_input: usage.cachedInput, reasoning: usage.reasoning }
        : { input: ctx.usage?.prompt_tokens, output: ctx.usage?.completion_tokens },
      costUsd: micros(cost?.cost.micros),
      cacheSavingsUsd: micros(cost?.cacheSavingsMicros),
      swapSavingsUsd: micros(cost?.swapSavingsMicros),
    });
    // At the end rather than in the PII stage: the answer's findings (scan_output) join the list
    // as the response streams, and the dashboard's incidents count both.
    if (ctx.pii) recordPiiDetections(ctx.pii.findings);
    // The gateway's own refusals (an upstream's 429 is an UpstreamError, counted as an upstream error).
    const err = outcome.error;
    if (err instanceof BudgetExceededError) recordRejection("budget", err.scope ?? "unknown");
    else if (err instanceof RateLimitError) recordRejection("rate_limit", err.scope ?? "unknown");
  } catch {
    // Metrics are best effort.
  }
}

/** The kind label of a failed upstream attempt. */
export function upstreamErrorKind(err: HelixError): UpstreamErrorKind {
  if (err instanceof GatewayTimeoutError) return "timeout";
  if (err instanceof UpstreamError) return err.status === 429 ? "429" : err.status >= 500 ? "5xx" : "4xx";
  if (err instanceof BadGatewayError) return "connection";
  return err.status === 429 ? "429" : err.status >= 500 ? "5xx" : "4xx";
}
