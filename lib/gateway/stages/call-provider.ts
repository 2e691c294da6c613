import "server-only";
import { BadGatewayError, HelixError, UpstreamError, toHelixError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { getProvider } from "@/lib/providers/registry";
import type { CallOptions, ChunkStream, ProviderTarget } from "@/lib/providers/types";
import type { ChatCompletionChunk } from "../openai-contract";
import { recordUpstreamError, recordUpstreamRetry } from "@/lib/metrics/prometheus";
import { upstreamErrorKind } from "@/lib/metrics/prometheus-request";
import { elapsedMs, type GatewayContext, type GatewayResult } from "../context";

interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  maxRetryAfterMs: number;
}

function isRetryable(err: HelixError): boolean {
  return "retryable" in err && (err as { retryable: boolean }).retryable === true;
}

/** Errors that say "this deployment can't serve it" rather than "the request is wrong": try the next one. */
function shouldFallBack(err: HelixError): boolean {
  if (isRetryable(err)) return true;
  return err instanceof UpstreamError && [401, 403, 404].includes(err.status);
}

function retryAfterOf(err: HelixError): number | undefined {
  return err instanceof UpstreamError ? err.retryAfterMs : undefined;
}

/** Full-jitter exponential backoff, or the upstream's retry-after when it gave one. */
function backoffMs(policy: RetryPolicy, retry: number, err: HelixError): number {
  const after = retryAfterOf(err);
  if (after !== undefined) return after;
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(Math.random() * cap);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Chunks held back at most while waiting for output (an upstream sending only empty chunks). */
const MAX_HELD_CHUNKS = 32;

/** A chunk the client needs: text, a tool call, a finish reason or usage (not a bare role chunk). */
function carriesOutput(chunk: ChatCompletionChunk): boolean {
  return chunk.usage != null || chunk.choices.some((c) => c.delta.content || c.delta.tool_calls?.length || c.delta.refusal || c.finish_reason);
}

/**
 * Starts a stream and waits for its first output, so that an upstream that accepts the request and
 * dies before sending any (OpenAI sends a role-only chunk first) can still be retried while the
 * client has seen nothing.
 */
async function startStream(stream: ChunkStream): Promise<ChunkStream> {
  const it = stream[Symbol.asyncIterator]();
  const held: Array<IteratorResult<ChatCompletionChunk>> = [];
  for (;;) {
    const r = await it.next();
    held.push(r);
    if (r.done || carriesOutput(r.value) || held.length >= MAX_HELD_CHUNKS) break;
  }
  return {
    [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
      return {
        next: () => (held.length > 0 ? Promise.resolve(held.shift()!) : it.next()),
        return: (value?: unknown) => it.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      };
    },
  };
}

/**
 * An upstream 401/403 for a key the gateway holds is the operator's problem, not the caller's:
 * passing it through would show the caller part of the operator's key (providers quote it) and
 * make their SDK blame their own key. A forwarded caller key's rejection is theirs to see.
 */
function forClient(ctx: GatewayContext, err: HelixError, target: ProviderTarget | undefined): HelixError {
  if (!(err instanceof UpstreamError) || (err.status !== 401 && err.status !== 403)) return err;
  if (target?.apiKey !== undefined && target.apiKey === ctx.caller?.passThroughKey) return err;
  logger().error({ requestId: ctx.requestId, provider: err.provider, status: err.status, upstreamMessage: err.message }, "upstream refused the gateway's credentials");
  return new BadGatewayError(
    `The ${err.provider} upstream refused the gateway's credentials (HTTP ${err.status}); the gateway's operator must fix its API key for this provider.`,
    { code: "upstream_auth_failed", retryable: false },
  );
}

async function attemptOnce(ctx: GatewayContext, target: ProviderTarget, opts: CallOptions): Promise<GatewayResult> {
  const provider = getProvider(target.provider);
  if (ctx.endpoint === "embeddings") {
    const req = { ...ctx.embeddingsRequest!, model: target.upstreamModel };
    return { kind: "embeddings", response: await provider.embeddings(req, target, opts) };
  }
  const req = ctx.chatRequest!;
  if (req.stream) {
    const stream = await startStream(await provider.chatStream(req, target, opts));
    return { kind: "chat-stream", stream, includeUsage: req.stream_options?.include_usage === true };
  }
  return { kind: "chat", completion: await provider.chat(req, target, opts) };
}

/**
 * Stage: call the upstream. Each deployment in the chain gets the first try plus `num_retries`
 * retries on retryable failures (429, 5xx, connection errors, timeouts) with backoff; then the
 * next deployment (fallback) is tried. Client errors (400) end at once: another try won't fix them.
 */
export async function callProvider(ctx: GatewayContext): Promise<GatewayResult> {
  const g = ctx.config.helix_settings.gateway;
  const policy: RetryPolicy = {
    retries: g.num_retries,
    baseMs: g.retry_backoff_ms,
    maxMs: g.retry_backoff_max_ms,
    maxRetryAfterMs: g.max_retry_after_ms,
  };
  const opts: CallOptions = {
    signal: ctx.abort.signal,
    timeouts: { connectMs: g.timeouts.connect_ms, firstByteMs: g.timeouts.first_byte_ms, idleMs: g.timeouts.stream_idle_ms },
  };
  const chain = ctx.chain!;
  let lastError: HelixError | undefined;
  let lastTarget: ProviderTarget | undefined;

  for (const target of chain) {
    lastTarget = target;
    for (let retry = 0; retry <= policy.retries; retry++) {
      // Retries and fallbacks alike: every attempt after the request's first.
      if (ctx.attempts.length > 0) recordUpstreamRetry(target.provider, target.upstreamModel);
      const started = performance.now();
      try {
        const result = await attemptOnce(ctx, target, opts);
        const latencyMs = Math.round(performance.now() - started);
        ctx.attempts.push({ provider: target.provider, model: target.upstreamModel, status: 200, latencyMs });
        ctx.served = { provider: target.provider, model: target.upstreamModel };
        ctx.upstreamLatencyMs = latencyMs;
        if (result.kind === "chat-stream") ctx.ttftMs = elapsedMs(ctx);
        return result;
      } catch (raw) {
        if (ctx.abort.signal.aborted) throw raw;
        const err = toHelixError(raw);
        ctx.attempts.push({
          provider: target.provider,
          model: target.upstreamModel,
          status: err.status,
          errorType: err.type,
          latencyMs: Math.round(performance.now() - started),
        });
        lastError = err;
        recordUpstreamError(target.provider, target.upstreamModel, upstreamErrorKind(err));
        if (!shouldFallBack(err)) throw forClient(ctx, err, target);
        const after = retryAfterOf(err);
        const canRetry = isRetryable(err) && retry < policy.retries && (after === undefined || after <= policy.maxRetryAfterMs);
        if (!canRetry) break;
        await sleep(backoffMs(policy, retry, err), ctx.abort.signal);
      }
    }
  }
  throw forClient(ctx, lastError!, lastTarget);
}
