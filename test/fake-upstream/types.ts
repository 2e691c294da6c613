// Shared types of the fake upstream. The public ones are re-exported from server.ts.
import type { IncomingHttpHeaders } from "node:http";

export type ProviderKind = "openai" | "anthropic" | "gemini" | "unknown";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. "/v1beta/models/gemini-2.5-flash:generateContent". */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined for GET or an empty body; the raw text when it is not JSON. */
  body: unknown;
  provider: ProviderKind;
  at: number;
}

export type FakeEventType =
  /** The caller closed the request/socket before the response ended. */
  | "client-aborted"
  /** [[kill-after:N]] destroyed the socket on purpose. */
  | "upstream-killed"
  /** [[stall-after:N]] stopped sending and left the socket open. */
  | "stalled";

export interface FakeEvent {
  type: FakeEventType;
  path: string;
  provider: ProviderKind;
  at: number;
}

export interface FailSpec {
  status: number;
  /** Sent as the Retry-After header verbatim (seconds or an HTTP date). */
  retryAfter?: string;
  /** Sent as-is instead of the provider-shaped error body. */
  body?: unknown;
}

export interface FakeUpstreamOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added before every response (a [[delay:N]] directive replaces it for that request). */
  latencyMs?: number;
  /** Default pause between stream events (a [[chunk-delay:N]] directive replaces it). */
  chunkDelayMs?: number;
  /** Record requests into `requests` (default true). Benchmarks turn it off to keep memory flat. */
  record?: boolean;
}

export interface FakeUpstream {
  /** http://HOST:PORT, no trailing slash. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  events: FakeEvent[];
  /** The next n requests of any kind answer with this error (provider-shaped unless body is given). */
  failNext(n: number, spec: FailSpec): void;
  /** Clears requests, events, failNext and the fail-first counters. */
  reset(): void;
  close(): Promise<void>;
}

/** The provider-neutral view of a chat request that decides the answer. */
export interface ChatView {
  model: string;
  /** Concatenated system prompt, or null when there is none. */
  system: string | null;
  /** One text per message (the system prompt counts as one), for the usage count. */
  texts: string[];
  /** Raw text of the last user turn that carries text, directives included. */
  lastUserText: string;
  /** The last message is a user turn that is not a tool result. */
  lastIsUser: boolean;
  /** Set when the last message is a tool result. */
  toolResult: string | null;
  /** Declared tool names, in order. */
  tools: string[];
  toolChoice: ToolChoice;
  jsonMode: boolean;
  stream: boolean;
}

export type ToolChoice = { type: "auto" } | { type: "none" } | { type: "named"; name: string };

export type Answer =
  | { kind: "text"; text: string; promptTokens: number; completionTokens: number }
  | {
      kind: "tool";
      id: string;
      name: string;
      input: { query: string };
      /** JSON text of input, as OpenAI sends it. */
      args: string;
      promptTokens: number;
      completionTokens: number;
    };

/** One prebuilt SSE event; `content` marks text / tool-argument deltas (what kill/stall-after count). */
export interface StreamEvent {
  data: string;
  content: boolean;
}

/** A JSON answer (an error in some provider's shape, or a success body). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
