import "server-only";
import { InternalError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { storeAnswer } from "@/lib/cache/store-answer";
import { recordCacheEvent } from "@/lib/cache/cache-metrics";
import { enqueuePiiIncident } from "@/lib/store/pii-incidents";
import { requestCost } from "@/lib/cost/request-cost";
import type { ChatCompletion } from "./openai-contract";
import type { GatewayContext, GatewayResult } from "./context";
import { recordRequest, type Outcome } from "./record";
import { authenticate } from "./stages/authenticate";
import { validateRequest } from "./stages/validate-request";
import { route } from "./stages/route";
import { piiProtection } from "./stages/pii-protection";
import { exactCache } from "./stages/exact-cache";
import { semanticCache } from "./stages/semantic-cache";
import { callProvider } from "./stages/call-provider";
import { rateLimit } from "./stages/rate-limit";
import { budgetReserve } from "./stages/budget-reserve";
import { modelSwap } from "./stages/model-swap";
import { settleSpend } from "./settle";
import { recordRequestEnd } from "@/lib/metrics/prometheus-request";

type Stage = (ctx: GatewayContext) => Promise<GatewayResult | void>;

/**
 * The order of the request pipeline, and the only place that knows it (house rule 3).
 * A stage ends the request early by returning a result or throwing a HelixError.
 */
const STAGES: readonly Stage[] = [
  authenticate,
  validateRequest,
  rateLimit,
  route,
  budgetReserve,
  modelSwap,
  piiProtection,
  exactCache,
  semanticCache,
  callProvider,
];

export async function runPipeline(ctx: GatewayContext): Promise<GatewayResult> {
  for (const stage of STAGES) {
    const result = await stage(ctx);
    if (result) return result;
  }
  throw new InternalError(new Error("pipeline ended without a result"));
}

/**
 * After the response (for streams, after its last byte): keep a fresh answer in the cache, then
 * queue the request's accounting and log row. Runs exactly once per request, never before the
 * client has its answer.
 */
export function finishRequest(ctx: GatewayContext, outcome: Finish): void {
  if (ctx.finished) return;
  ctx.finished = true;
  // The duration as the client saw it: the accounting below happens after the answer.
  void account(ctx, outcome, performance.now() - ctx.t0);
}

type Finish = Outcome & { completion?: ChatCompletion; producedText?: string };

/**
 * Cost first (a usage-less stream is counted with the tokenizer), then the spend is settled
 * against budgets and limits, then the log row is queued. The in-flight count drops only with the
 * log row, so a graceful shutdown waits for the spend to be recorded.
 */
async function account(ctx: GatewayContext, outcome: Finish, totalMs: number): Promise<void> {
  try {
    afterwards(ctx, outcome);
  } catch (err) {
    logger().error({ requestId: ctx.requestId, err }, "post-response work failed");
  }
  try {
    try {
      ctx.cost ??= await requestCost(ctx, outcome.producedText);
    } catch (err) {
      logger().error({ requestId: ctx.requestId, err }, "request cost could not be computed");
    }
    // Settled even without a cost, so that the reservation does not hold budget until it expires.
    await settleSpend(ctx);
  } catch (err) {
    logger().error({ requestId: ctx.requestId, err }, "request spend could not be settled");
  } finally {
    // The log row (and the in-flight count) must never be lost to a failure above.
    recordRequest(ctx, outcome);
    recordRequestEnd(ctx, outcome, totalMs);
  }
}

function afterwards(ctx: GatewayContext, outcome: Finish): void {
  if (outcome.completion && !outcome.error && !outcome.clientDisconnected) storeAnswer(ctx, outcome.completion);
  if (ctx.cacheStatus && ctx.cache) {
    const hit = ctx.cacheStatus === "HIT" || ctx.cacheStatus === "SEMANTIC_HIT";
    recordCacheEvent({
      status: ctx.cacheStatus,
      model: ctx.requestedModel ?? "",
      tenant: ctx.cache.tenant,
      savedMs: hit ? ctx.cache.savedMs : undefined,
      savedPromptTokens: hit ? ctx.usage?.prompt_tokens : undefined,
      savedCompletionTokens: hit ? ctx.usage?.completion_tokens : undefined,
    });
  }
  const policy = ctx.pii?.policy ?? "config";
  for (const f of ctx.pii?.findings ?? []) {
    enqueuePiiIncident({
      requestId: ctx.requestId,
      createdAt: ctx.receivedAt,
      apiKeyId: ctx.caller?.keyId,
      userId: ctx.caller?.userId,
      teamId: ctx.caller?.teamId,
      orgId: ctx.caller?.orgId,
      entityType: f.entityType,
      count: f.count,
      action: f.action,
      policy,
      recognizer: f.recognizer,
      score: f.score,
      location: f.location,
    });
  }
}
