// What observability does when a gateway request ends (lib/gateway/record.ts): a debug log line
// with the request's figures (HELIX_DEBUG=true) and its Langfuse trace. Ids, sizes and figures
// only: the prompt reaches Langfuse alone, and only when store_prompts allows it.
import "server-only";
import type { RequestLogEntry } from "@/lib/store/request-log";
import { traceRequest } from "./langfuse";
import { logger } from "./logger";

export function observeRequestEnd(entry: RequestLogEntry): void {
  const log = logger();
  if (log.isLevelEnabled("debug")) {
    log.debug(
      {
        requestId: entry.id,
        endpoint: entry.endpoint,
        model: entry.requestedModel,
        servedModel: entry.servedModel ?? null,
        provider: entry.provider ?? null,
        status: entry.status,
        errorType: entry.errorType ?? null,
        cache: entry.cacheStatus ?? null,
        stream: entry.stream ?? false,
        attempts: entry.attempts ?? 1,
        latencyMs: entry.latencyMs,
        upstreamLatencyMs: entry.upstreamLatencyMs ?? null,
        ttftMs: entry.ttftMs ?? null,
        inputTokens: entry.inputTokens ?? null,
        outputTokens: entry.outputTokens ?? null,
        costMicros: entry.costMicros ?? null,
        apiKeyId: entry.apiKeyId ?? null,
        teamId: entry.teamId ?? null,
      },
      "request finished",
    );
  }
  traceRequest(entry);
}
