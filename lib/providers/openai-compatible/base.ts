// The OpenAI wire protocol, shared by OpenAI, Groq and any OpenAI-compatible server (Ollama, vLLM,
// LM Studio, Azure-style deployments). Requests are forwarded as the client sent them (unknown
// fields kept) with only `model` replaced; provider quirks are small hooks in each folder.
import "server-only";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  Usage,
} from "@/lib/gateway/openai-contract";
import { BadGatewayError } from "@/lib/errors";
import { requestEventStream, requestJson, streamedUpstreamError, unexpectedEnd, withoutCredentials, type SseEvent } from "../http";
import { guardedStream, newCompletionId, nowSeconds, usageChunk } from "../openai-shapes";
import type { CallOptions, ChunkStream, Provider, ProviderId, ProviderTarget } from "../types";

export type JsonBody = Record<string, unknown>;

export interface OpenAICompatibleSpec {
  id: ProviderId;
  /** Adjusts an outgoing chat body for the provider's quirks (may throw InvalidRequestError). */
  prepareChat?: (body: JsonBody) => JsonBody;
  /** Usage a provider reports outside OpenAI's usage chunk (e.g. Groq's `x_groq.usage`). */
  extraChunkUsage?: (chunk: JsonBody) => Usage | undefined;
}

/** `${apiBase}${path}`, keeping a query string on the base (Azure's `?api-version=`). */
export function joinUrl(apiBase: string, path: string): string {
  const q = apiBase.indexOf("?");
  const base = (q === -1 ? apiBase : apiBase.slice(0, q)).replace(/\/+$/, "");
  return `${base}${path}${q === -1 ? "" : apiBase.slice(q)}`;
}

export function openAIHeaders(target: ProviderTarget): Record<string, string> {
  // Local servers (Ollama, vLLM) run without keys: no Authorization header at all then.
  const auth: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  return { ...auth, ...target.headers };
}

/** The upstream chat body: the client's request with the upstream model (and quirks applied). */
export function buildChatBody(spec: OpenAICompatibleSpec, req: ChatCompletionRequest, target: ProviderTarget, stream: boolean): JsonBody {
  const body: JsonBody = { ...req, model: target.upstreamModel };
  if (stream) {
    body.stream = true;
    // The gateway needs usage for cost; it strips the usage chunk if the client did not ask.
    body.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
  } else {
    delete body.stream;
    // OpenAI rejects stream_options without stream.
    delete body.stream_options;
  }
  return spec.prepareChat ? spec.prepareChat(body) : body;
}

export function createOpenAICompatibleProvider(spec: OpenAICompatibleSpec): Provider {
  const { id } = spec;

  async function chat(req: ChatCompletionRequest, target: ProviderTarget, opts: CallOptions): Promise<ChatCompletion> {
    const res = await requestJson<JsonBody>(
      { provider: id, url: joinUrl(target.apiBase, "/chat/completions"), headers: openAIHeaders(target), body: buildChatBody(spec, req, target, false) },
      opts,
    );
    return normalizeCompletion(id, res, target);
  }

  async function chatStream(req: ChatCompletionRequest, target: ProviderTarget, opts: CallOptions): Promise<ChunkStream> {
    const headers = openAIHeaders(target);
    const events = await requestEventStream(
      { provider: id, url: joinUrl(target.apiBase, "/chat/completions"), headers, body: buildChatBody(spec, req, target, true) },
      opts,
    );
    return guardedStream(events, translateOpenAIStream(spec, events, (t) => withoutCredentials(t, headers)));
  }

  async function embeddings(req: EmbeddingsRequest, target: ProviderTarget, opts: CallOptions): Promise<EmbeddingsResponse> {
    const res = await requestJson<JsonBody>(
      { provider: id, url: joinUrl(target.apiBase, "/embeddings"), headers: openAIHeaders(target), body: { ...req, model: target.upstreamModel } },
      opts,
    );
    if (!Array.isArray(res.data)) throw new BadGatewayError(`${id} returned an embeddings response without 'data'`);
    return res as unknown as EmbeddingsResponse;
  }

  return { id, chat, chatStream, embeddings };
}

/** Upstream completions as they are, with the few fields some compatible servers omit filled in. */
export function normalizeCompletion(id: ProviderId, res: JsonBody, target: ProviderTarget): ChatCompletion {
  if (!Array.isArray(res.choices)) throw new BadGatewayError(`${id} returned a chat completion without 'choices'`);
  return {
    ...res,
    id: typeof res.id === "string" ? res.id : newCompletionId(),
    object: "chat.completion",
    created: typeof res.created === "number" ? res.created : nowSeconds(),
    model: typeof res.model === "string" ? res.model : target.upstreamModel,
  } as ChatCompletion;
}

/**
 * Passes chunks through and guarantees the contract's ending: `[DONE]` must arrive (else the
 * stream broke), and usage ends up in one final `choices: []` chunk even from servers that put it
 * on a content chunk or in a vendor field.
 */
/** `scrub` cleans an error event's text of the credentials sent (some servers quote them). */
export async function* translateOpenAIStream(
  spec: OpenAICompatibleSpec,
  events: AsyncIterable<SseEvent>,
  scrub: (text: string) => string = (t) => t,
): AsyncGenerator<ChatCompletionChunk> {
  let done = false;
  let usageSent = false;
  let pendingUsage: Usage | undefined;
  let last: ChatCompletionChunk | undefined;
  for await (const ev of events) {
    // After [DONE] we keep reading to the end of the body so the socket stays reusable.
    if (done) continue;
    const data = ev.data.trim();
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    if (data === "") continue;
    let parsed: JsonBody;
    try {
      parsed = JSON.parse(data) as JsonBody;
    } catch {
      throw new BadGatewayError(`${spec.id} sent an unreadable stream event: ${data.slice(0, 200)}`);
    }
    if (parsed.error !== undefined && parsed.error !== null) throw streamedUpstreamError(spec.id, parsed, undefined, scrub);
    const c = parsed as unknown as ChatCompletionChunk;
    if (!Array.isArray(c.choices)) c.choices = [];
    const vendorUsage = spec.extraChunkUsage?.(parsed);
    if (c.usage && c.choices.length === 0) {
      usageSent = true;
    } else if (c.usage) {
      pendingUsage = c.usage;
      c.usage = null;
    } else if (vendorUsage) {
      pendingUsage = vendorUsage;
    }
    last = c;
    yield c;
  }
  if (!done) throw unexpectedEnd(spec.id, "no [DONE]");
  if (!usageSent && pendingUsage && last) {
    yield usageChunk({ id: last.id, created: last.created, model: last.model }, pendingUsage);
  }
}
