import "server-only";
import type { HelixConfig } from "@/lib/config/schema";
import type { ChatCompletion, ChatCompletionRequest, EmbeddingsRequest, EmbeddingsResponse, Usage } from "./openai-contract";
import type { ChunkStream, ProviderId, ProviderTarget } from "@/lib/providers/types";
import type { CachedAnswer } from "@/lib/cache/cached-answer";
import type { PiiFinding } from "@/lib/pii/scanner";
import type { TokenMap } from "@/lib/pii/token-map";
import type { OutputScan } from "@/lib/pii/output-scan";
import type { CachePolicy } from "@/lib/cache/cache-policy";
import type { PiiPolicyRef } from "@/lib/pii/policy-resolution";
import type { RequestCost } from "@/lib/cost/request-cost";
import type { Reservation } from "@/lib/cost/budgets";
import type { BudgetSubject } from "@/lib/cost/budget-definitions";
import type { Admission } from "@/lib/ratelimit/rate-limits";
import { newRequestId } from "@/lib/http/request-id";

export type Endpoint = "chat.completions" | "embeddings";

/** Who is calling. Local mode (no MASTER_KEY) attributes unknown keys by their hash only. */
export interface Caller {
  kind: "master" | "virtual" | "anonymous-local";
  keyHash: string;
  keyId?: string;
  keyName?: string;
  userId?: string;
  /** The user's external id (the name given when the key was created): swap rules match either. */
  userExternalId?: string;
  teamId?: string;
  teamName?: string;
  orgId?: string;
  /** Allowed models; empty = all. */
  models: string[];
  /**
   * Local mode only: the caller's own key, forwarded to providers that have no key configured, so
   * Helix can sit in front of a developer's own provider key. Never set for master or virtual keys.
   */
  passThroughKey?: string;
  /** The key's cache settings over its team's (virtual keys only); what is unset follows the config. */
  cache?: CachePolicy;
  /** Stored PII policies of the key's org, team, user and key (from the cached key lookup). */
  piiPolicies?: readonly PiiPolicyRef[];
}

/** One try against one upstream deployment (retries and fallbacks each count). */
export interface Attempt {
  provider: ProviderId;
  model: string;
  status: number;
  errorType?: string;
  latencyMs: number;
}

/** What a pipeline run produces; the handler turns it into a Response exactly once. */
export type GatewayResult =
  | { kind: "chat"; completion: ChatCompletion }
  | { kind: "chat-stream"; stream: ChunkStream; includeUsage: boolean }
  | { kind: "embeddings"; response: EmbeddingsResponse }
  /** Answered from the cache: JSON to a plain request, replayed as SSE to a streaming one. */
  | { kind: "cached"; answer: CachedAnswer };

export type CacheStatus = "HIT" | "SEMANTIC_HIT" | "MISS" | "BYPASS";

/** The caches' view of this request, set by the cache stages and used to store the answer. */
export interface CacheState {
  tenant: string;
  /** Look the request up (false: `x-helix-cache: bypass|refresh` or caching off). */
  read: boolean;
  /** Store the answer (false: `bypass`, `no-store`, or caching off). */
  write: boolean;
  ttlSeconds: number;
  exactKey?: string;
  /** The semantic lookup's inputs, kept so a miss can be indexed without embedding twice. */
  semantic?: { scope: string; text: string; embedder: string; dimensions: number; vector: Float32Array };
  /** Set on a semantic hit. */
  similarity?: number;
  /** On a hit: the upstream latency the original answer took, i.e. what this hit saved. */
  savedMs?: number;
}

/** The one object that flows through every stage. */
export interface GatewayContext {
  readonly requestId: string;
  readonly endpoint: Endpoint;
  readonly request: Request;
  readonly receivedAt: Date;
  /** performance.now() at arrival, for latencies. */
  readonly t0: number;
  /** Aborted when the client goes away; stages pass it to upstream calls. */
  readonly abort: AbortController;
  readonly config: HelixConfig;

  caller?: Caller;
  chatRequest?: ChatCompletionRequest;
  embeddingsRequest?: EmbeddingsRequest;
  /** The model name the client asked for. */
  requestedModel?: string;
  /** Ordered deployments to try (primary, retries reuse it, then fallbacks). */
  chain?: ProviderTarget[];

  /** Filled as the call proceeds; read by accounting after the response. */
  served?: { provider: ProviderId; model: string };
  attempts: Attempt[];
  upstreamLatencyMs?: number;
  ttftMs?: number;
  usage?: Usage;
  /** Response text kept only when store_prompts is on. */
  responseBody?: unknown;
  cache?: CacheState;
  cacheStatus?: CacheStatus;
  /** What the PII scan found and did (audit after the response), and placeholders to restore. */
  pii?: { findings: PiiFinding[]; tokens?: TokenMap; policy: string; /** Set when scan_output is on. */ output?: OutputScan };
  /** Estimated prompt tokens (a character count; for reservations, rate limits and swap rules). */
  promptTokens?: number;
  /** Counted against requests/tokens per minute (settled with the real tokens afterwards). */
  rateLimit?: Admission;
  /** Reserved on the applicable budgets (settled with the real cost afterwards). */
  budget?: Reservation;
  /** Set when a model-swap rule changed the model: what was asked for and why it changed. */
  swap?: { from: ProviderTarget; toModel: string; rule: string; reason?: string };
  /** The request's cost, computed once when it ends (lib/cost/request-cost.ts). */
  cost?: RequestCost;
  responseHeaders: Record<string, string>;
  /** Set by finishRequest: post-response work runs once, whatever path ends the request. */
  finished?: boolean;
}

export function createContext(request: Request, endpoint: Endpoint, config: HelixConfig): GatewayContext {
  return {
    requestId: newRequestId(),
    endpoint,
    request,
    receivedAt: new Date(),
    t0: performance.now(),
    abort: new AbortController(),
    config,
    attempts: [],
    responseHeaders: {},
  };
}

export function elapsedMs(ctx: GatewayContext): number {
  return Math.round(performance.now() - ctx.t0);
}

/** Who a request's spend and limits are attributed to. */
export function budgetSubject(ctx: GatewayContext): BudgetSubject {
  const c = ctx.caller;
  const endUser = ctx.chatRequest?.user ?? ctx.embeddingsRequest?.user;
  return { keyId: c?.keyId, userId: c?.userId, teamId: c?.teamId, orgId: c?.orgId, ...(endUser ? { endUser } : {}) };
}
