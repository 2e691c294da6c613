// What the gateway sees of a provider. Everything provider-specific stays inside
// lib/providers/<id>/ (house rule 4); callers speak OpenAI types only.
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from "@/lib/gateway/openai-contract";

export type ProviderId = "openai" | "anthropic" | "gemini" | "groq" | "openai-compatible";

/** One concrete upstream deployment a request can be sent to. */
export interface ProviderTarget {
  provider: ProviderId;
  /** The model name the upstream expects (e.g. "claude-sonnet-4-5"). */
  upstreamModel: string;
  /** Base URL in the official SDK's convention (OpenAI/Groq include /v1; Anthropic/Gemini are the host root). */
  apiBase: string;
  apiKey?: string;
  /** Extra headers to send upstream (e.g. Azure-style api-key, OpenRouter attribution). */
  headers?: Record<string, string>;
}

export interface Timeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** Until response headers (non-stream: until the whole body). */
  firstByteMs: number;
  /** Longest silence between two stream chunks. */
  idleMs: number;
}

export interface CallOptions {
  /** Aborted when the client disconnects or the gateway gives up; the upstream request must stop. */
  signal: AbortSignal;
  timeouts: Timeouts;
}

/**
 * A stream that has started: the upstream accepted the request (status 2xx, headers read), so
 * errors before this point are thrown as HelixErrors and can be retried or sent as HTTP errors.
 * Errors while iterating happen after the client saw 200 and end the stream.
 */
export type ChunkStream = AsyncIterable<ChatCompletionChunk>;

export interface Provider {
  readonly id: ProviderId;
  chat(req: ChatCompletionRequest, target: ProviderTarget, opts: CallOptions): Promise<ChatCompletion>;
  /**
   * Always asks the upstream for usage (the gateway needs it for cost) and yields a final chunk
   * with `usage` and empty `choices`, in OpenAI's include_usage convention.
   */
  chatStream(req: ChatCompletionRequest, target: ProviderTarget, opts: CallOptions): Promise<ChunkStream>;
  embeddings(req: EmbeddingsRequest, target: ProviderTarget, opts: CallOptions): Promise<EmbeddingsResponse>;
}
