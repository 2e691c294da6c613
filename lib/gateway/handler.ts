import "server-only";
import { ServiceUnavailableError, errorResponse, toHelixError } from "@/lib/errors";
import { getConfig } from "@/lib/config/loader";
import { logger } from "@/lib/observability/logger";
import { withRequestId } from "@/lib/observability/request-scope";
import { createContext, type Endpoint, type GatewayContext, type GatewayResult } from "./context";
import { finishRequest, runPipeline } from "./pipeline";
import { isShuttingDown, requestFinished, requestStarted } from "./in-flight";
import { afterResponse, runOutsideNext } from "./after-response";
import { registerFastRoute } from "@/lib/http/fast-routes";
import { sseBody } from "./sse";
import { chunksForHit, completionForHit, completionFromChunks } from "@/lib/cache/cached-answer";
import type { ChatCompletion, ChatCompletionChunk } from "./openai-contract";
import type { ChunkStream } from "@/lib/providers/types";
import { restoreCompletion, restoreStream } from "@/lib/pii/restore-response";
import { scanCompletion, scanStream } from "@/lib/pii/output-scan";
import { requestCost } from "@/lib/cost/request-cost";
import { usdString } from "@/lib/cost/usd";

function baseHeaders(ctx: GatewayContext): Record<string, string> {
  const h: Record<string, string> = { "x-helix-request-id": ctx.requestId, ...ctx.responseHeaders };
  const model = ctx.served?.model ?? ctx.requestedModel;
  if (model) h["x-helix-model"] = model;
  if (ctx.cacheStatus) h["x-helix-cache"] = ctx.cacheStatus;
  if (ctx.cache?.similarity !== undefined) h["x-helix-similarity"] = ctx.cache.similarity.toFixed(4);
  // Known before the body only for whole answers; a stream's cost is in its log row.
  if (ctx.cost) {
    h["x-helix-cost-usd"] = ctx.cost.cost.micros === null ? "unknown" : usdString(ctx.cost.cost.micros);
    if (ctx.cost.cost.status === "estimated") h["x-helix-cost-estimated"] = "true";
    if (ctx.cost.cacheSavingsMicros) h["x-helix-saved-usd"] = usdString(ctx.cost.cacheSavingsMicros);
  }
  return h;
}

function fromArray(chunks: ChatCompletionChunk[]): ChunkStream {
  return {
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
  };
}

function sse(ctx: GatewayContext, stream: ChunkStream, includeUsage: boolean, collect: boolean): Response {
  // Output scanning (scan_output) first, then tokenized PII is restored on the way out; the cache
  // gets the chunks as the upstream sent them, the log the scanned placeholder version.
  const tokens = ctx.pii?.tokens;
  const scan = ctx.pii?.output;
  const storePrompts = ctx.config.helix_settings.general.store_prompts;
  const originals: ChatCompletionChunk[] | undefined = collect && (tokens || scan) ? [] : undefined;
  const logged: ChatCompletionChunk[] | undefined = tokens && storePrompts ? [] : undefined;
  let out = stream;
  if (scan) out = scanStream(out, scan, originals ? (c) => originals.push(c) : undefined);
  if (tokens) {
    const keepOriginal = scan ? undefined : originals;
    out =
      keepOriginal || logged
        ? restoreStream(out, tokens, (c) => {
            keepOriginal?.push(c);
            logged?.push(c);
          })
        : restoreStream(out, tokens);
  }
  const body = sseBody(
    ctx,
    out,
    includeUsage,
    (outcome) => {
      const error = outcome.error === undefined ? undefined : toHelixError(outcome.error);
      if (error) logger().warn({ requestId: ctx.requestId, err: error.message }, "stream ended with an error");
      // With tokenized PII, the log keeps the answer as the provider wrote it (placeholders).
      if (logged) ctx.responseBody = { content: logged.map((c) => c.choices.map((x) => x.delta.content ?? "").join("")).join("") };
      const chunks = originals ?? outcome.chunks;
      const completion = chunks && !error && !outcome.clientDisconnected ? completionFromChunks(chunks) : undefined;
      finishRequest(ctx, { status: error?.status ?? 200, error, clientDisconnected: outcome.clientDisconnected, completion, producedText: outcome.producedText });
    },
    // Without tokens the client's text is what is logged (scanned, when scan_output is on).
    { collect: collect && !originals, keepText: storePrompts && !tokens },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      ...baseHeaders(ctx),
    },
  });
}

function json(ctx: GatewayContext, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", ...baseHeaders(ctx) },
  });
}

/**
 * What the client receives: the answer scanned by the output policy (scan_output), then the
 * placeholders of tokenized PII replaced by the original values; and what the log may keep (the
 * scanned placeholder version). The types found in the answer go in x-helix-pii-output.
 */
function forClient(ctx: GatewayContext, completion: ChatCompletion): { client: ChatCompletion; logged: ChatCompletion } {
  const scan = ctx.pii?.output;
  const logged = scan ? scanCompletion(completion, scan) : completion;
  if (scan && scan.types.size > 0) ctx.responseHeaders["x-helix-pii-output"] = [...scan.types].sort().join(",");
  return { client: ctx.pii?.tokens ? restoreCompletion(logged, ctx.pii.tokens) : logged, logged };
}

/** The cost for the x-helix-cost-usd header; a failure only loses the header (accounting tries again). */
async function costNow(ctx: GatewayContext): Promise<void> {
  try {
    ctx.cost = await requestCost(ctx);
  } catch (err) {
    logger().error({ requestId: ctx.requestId, err }, "request cost could not be computed");
  }
}

async function respond(ctx: GatewayContext, result: GatewayResult): Promise<Response> {
  const storePrompts = ctx.config.helix_settings.general.store_prompts;
  switch (result.kind) {
    case "chat":
      ctx.usage = result.completion.usage;
      await costNow(ctx);
      {
        const { client, logged } = forClient(ctx, result.completion);
        if (storePrompts) ctx.responseBody = logged.choices.map((c) => c.message);
        const response = json(ctx, client);
        afterResponse(() => finishRequest(ctx, { status: 200, completion: result.completion }));
        return response;
      }
    case "embeddings":
      // No usage from the upstream: left unset, so the cost is counted from the input, never $0.
      ctx.usage = result.response.usage ? { ...result.response.usage, completion_tokens: 0 } : undefined;
      await costNow(ctx);
      afterResponse(() => finishRequest(ctx, { status: 200 }));
      return json(ctx, result.response);
    case "chat-stream":
      return sse(ctx, result.stream, result.includeUsage, ctx.cache?.write === true);
    case "cached": {
      if (ctx.cache) ctx.cache.savedMs = result.answer.upstreamLatencyMs;
      ctx.served = { provider: result.answer.provider as NonNullable<GatewayContext["served"]>["provider"], model: result.answer.completion.model };
      const req = ctx.chatRequest!;
      if (req.stream) {
        return sse(ctx, fromArray(chunksForHit(result.answer)), req.stream_options?.include_usage === true, false);
      }
      const completion = completionForHit(result.answer);
      ctx.usage = completion.usage;
      await costNow(ctx);
      const { client, logged } = forClient(ctx, completion);
      if (storePrompts) ctx.responseBody = logged.choices.map((c) => c.message);
      const response = json(ctx, client);
      afterResponse(() => finishRequest(ctx, { status: 200 }));
      return response;
    }
  }
}

/** The public paths of each endpoint (Next rewrites /v1 to /api/v1; the fast path serves both). */
const PATHS: Record<Endpoint, readonly string[]> = {
  "chat.completions": ["/v1/chat/completions", "/api/v1/chat/completions"],
  embeddings: ["/v1/embeddings", "/api/v1/embeddings"],
};

/**
 * The gateway's entry point for one endpoint: runs the pipeline and builds the response once.
 * The same handler is registered for server.mjs's fast path (lib/http/fast-routes.ts).
 */
export function gatewayHandler(endpoint: Endpoint): (request: Request) => Promise<Response> {
  const handler = async (request: Request): Promise<Response> => {
    if (isShuttingDown()) {
      // Another instance (or this one after a restart) should take it; clients retry on 503.
      // In flight until sent: the process must not exit between this answer's headers and body.
      requestStarted();
      afterResponse(requestFinished);
      return errorResponse(new ServiceUnavailableError("This gateway instance is shutting down; retry the request.", { headers: { "retry-after": "1", connection: "close" } }));
    }
    const ctx = createContext(request, endpoint, getConfig());
    requestStarted();
    const onClientGone = () => ctx.abort.abort(new DOMException("client disconnected", "AbortError"));
    // Already aborted (the client left while the request was queued): the listener would never fire.
    if (request.signal.aborted) onClientGone();
    else request.signal.addEventListener("abort", onClientGone, { once: true });
    try {
      // Awaited here so that a failure while building the response is still answered and accounted below.
      return await withRequestId(ctx.requestId, async () => respond(ctx, await runPipeline(ctx)));
    } catch (raw) {
      const err = toHelixError(raw);
      const disconnected = ctx.abort.signal.aborted;
      if (err.status >= 500 && !disconnected) logger().error({ requestId: ctx.requestId, err: raw }, "request failed");
      afterResponse(() => finishRequest(ctx, { status: err.status, error: err, clientDisconnected: disconnected }));
      return errorResponse(err, baseHeaders(ctx));
    }
  };
  registerFastRoute("POST", PATHS[endpoint], (request) => runOutsideNext(() => handler(request)));
  return handler;
}
