// Langfuse tracing: one trace (with one generation) per gateway request, built from the request's
// log row and sent in the background by the SDK's batching queue. Off unless LANGFUSE_PUBLIC_KEY and
// LANGFUSE_SECRET_KEY are set. Nothing here may block or fail a request: calls only enqueue, every
// error is swallowed into a log line, and a dead host only costs the SDK's background retries.
import "server-only";
import { Langfuse } from "langfuse";
import { env } from "@/lib/env";
import type { RequestLogEntry } from "@/lib/store/request-log";
import { logger } from "./logger";

// On globalThis: Next may evaluate this module twice, and two clients would flush twice.
const g = globalThis as unknown as { __helixLangfuse?: Langfuse | null };

/** Shutdown waits at most this long for the last batch (a dead host must not hold the exit). */
const FLUSH_TIMEOUT_MS = 3_000;

function client(): Langfuse | null {
  if (g.__helixLangfuse !== undefined) return g.__helixLangfuse;
  const e = env();
  if (!e.LANGFUSE_PUBLIC_KEY || !e.LANGFUSE_SECRET_KEY) return (g.__helixLangfuse = null);
  const lf = new Langfuse({
    publicKey: e.LANGFUSE_PUBLIC_KEY,
    secretKey: e.LANGFUSE_SECRET_KEY,
    ...(e.LANGFUSE_HOST ? { baseUrl: e.LANGFUSE_HOST } : {}),
    // Batches: at most 1 s old or 50 events; a slow or dead host times out in the background.
    flushAt: 50,
    flushInterval: 1_000,
    requestTimeout: 5_000,
    fetchRetryCount: 2,
    fetchRetryDelay: 500,
    sdkIntegration: "helix",
  });
  lf.on("error", (err: unknown) => logger().warn({ component: "langfuse", err: String(err).slice(0, 300) }, "langfuse export failed"));
  g.__helixLangfuse = lf;
  logger().info({ component: "langfuse", host: e.LANGFUSE_HOST ?? "https://cloud.langfuse.com" }, "langfuse tracing on");
  return lf;
}

/** Whether traces are being sent. */
export function langfuseEnabled(): boolean {
  return client() !== null;
}

const usd = (micros: number | null | undefined) => (micros === null || micros === undefined ? undefined : micros / 1_000_000);

/** The trace of one finished request; `entry.prompt`/`response` are present only when prompts may be stored (already PII-scanned). */
export function langfuseEvents(entry: RequestLogEntry) {
  const start = entry.createdAt ?? new Date(Date.now() - entry.latencyMs);
  const end = new Date(start.getTime() + entry.latencyMs);
  const model = entry.servedModel ?? entry.requestedModel;
  const metadata = {
    request_id: entry.id,
    status: entry.status,
    cache_status: entry.cacheStatus ?? null,
    cache_similarity: entry.cacheSimilarity ?? null,
    latency_ms: entry.latencyMs,
    upstream_latency_ms: entry.upstreamLatencyMs ?? null,
    ttft_ms: entry.ttftMs ?? null,
    requested_model: entry.requestedModel,
    provider: entry.provider ?? null,
    api_key_id: entry.apiKeyId ?? null,
    team_id: entry.teamId ?? null,
    org_id: entry.orgId ?? null,
    user_id: entry.userId ?? null,
    cost_status: entry.costStatus ?? null,
    cache_savings_usd: usd(entry.cacheSavingsMicros) ?? null,
    swap_rule: entry.swapRule ?? null,
    attempts: entry.attempts ?? 1,
    stream: entry.stream ?? false,
    error_type: entry.errorType ?? null,
  };
  const withPrompts = entry.prompt !== undefined && entry.prompt !== null;
  const io = withPrompts ? { input: entry.prompt, output: entry.response ?? undefined } : {};
  const tags = [entry.endpoint, ...(entry.cacheStatus ? [`cache:${entry.cacheStatus}`] : []), ...(entry.status >= 400 ? ["error"] : [])];
  const trace = {
    id: entry.id,
    name: entry.endpoint,
    timestamp: start,
    // The OpenAI `user` field is free text (often an email): sent only with the prompts.
    userId: (withPrompts ? entry.endUser : undefined) ?? entry.userId ?? undefined,
    metadata,
    tags,
    ...io,
  };
  const usageDetails: Record<string, number> = {};
  if (entry.inputTokens != null) usageDetails.input = entry.inputTokens;
  if (entry.outputTokens != null) usageDetails.output = entry.outputTokens;
  if (entry.inputTokens != null || entry.outputTokens != null) usageDetails.total = (entry.inputTokens ?? 0) + (entry.outputTokens ?? 0);
  if (entry.cachedInputTokens) usageDetails.cached_input = entry.cachedInputTokens;
  if (entry.reasoningTokens) usageDetails.reasoning = entry.reasoningTokens;
  const cost = usd(entry.costMicros);
  const generation = {
    id: `${entry.id}-generation`,
    name: entry.endpoint === "embeddings" ? "embedding" : "chat",
    model,
    startTime: start,
    endTime: end,
    ...(entry.ttftMs != null ? { completionStartTime: new Date(start.getTime() + entry.ttftMs) } : {}),
    ...(Object.keys(usageDetails).length > 0 ? { usageDetails } : {}),
    ...(cost !== undefined ? { costDetails: { total: cost } } : {}),
    level: entry.status >= 500 ? ("ERROR" as const) : entry.status >= 400 ? ("WARNING" as const) : ("DEFAULT" as const),
    ...(entry.errorType ? { statusMessage: entry.errorType } : {}),
    metadata,
    ...io,
  };
  return { trace, generation };
}

/** Queue the request's trace. Synchronous, never throws. */
export function traceRequest(entry: RequestLogEntry): void {
  try {
    const lf = client();
    if (!lf) return;
    const { trace, generation } = langfuseEvents(entry);
    lf.trace(trace).generation(generation);
  } catch (err) {
    logger().warn({ component: "langfuse", requestId: entry.id, err: err instanceof Error ? err.message : String(err) }, "langfuse trace dropped");
  }
}

/** Send what is queued (graceful shutdown, tests); bounded in time, never rejects. */
export async function flushLangfuse(timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
  const lf = g.__helixLangfuse;
  if (!lf) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    lf.flushAsync().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/** Tests: forget the client so the next call reads the environment again. */
export async function resetLangfuseForTests(): Promise<void> {
  const lf = g.__helixLangfuse;
  g.__helixLangfuse = undefined;
  if (lf) await lf.shutdownAsync().catch(() => {});
}
