// Anthropic Messages API behind the OpenAI contract.
import "server-only";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { InvalidRequestError } from "@/lib/errors";
import { requestEventStream, requestJson, withoutCredentials } from "../http";
import { guardedStream } from "../openai-shapes";
import type { Provider, ProviderTarget } from "../types";
import { fromAnthropicResponse, toAnthropicRequest, translateAnthropicStream, usesJsonTool, type AnthropicResponse } from "./translate";

/** Host root, as in Anthropic's SDK (requests go to `${apiBase}/v1/messages`). */
export const ANTHROPIC_DEFAULT_API_BASE = "https://api.anthropic.com";
export const ANTHROPIC_VERSION = "2023-06-01";

function messagesUrl(target: ProviderTarget): string {
  return `${target.apiBase.replace(/\/+$/, "")}/v1/messages`;
}

function headers(target: ProviderTarget): Record<string, string> {
  return {
    ...(target.apiKey ? { "x-api-key": target.apiKey } : {}),
    "anthropic-version": ANTHROPIC_VERSION,
    ...target.headers,
  };
}

function body(req: ChatCompletionRequest, target: ProviderTarget, stream: boolean) {
  const b = toAnthropicRequest(req, target.upstreamModel);
  if (stream) b.stream = true;
  return b;
}

export const anthropicProvider: Provider = {
  id: "anthropic",

  async chat(req, target, opts) {
    const res = await requestJson<AnthropicResponse>(
      { provider: "anthropic", url: messagesUrl(target), headers: headers(target), body: body(req, target, false) },
      opts,
    );
    return fromAnthropicResponse(res, usesJsonTool(req));
  },

  async chatStream(req, target, opts) {
    const sent = headers(target);
    const events = await requestEventStream({ provider: "anthropic", url: messagesUrl(target), headers: sent, body: body(req, target, true) }, opts);
    return guardedStream(events, translateAnthropicStream(events, target.upstreamModel, usesJsonTool(req), (t) => withoutCredentials(t, sent)));
  },

  async embeddings() {
    throw new InvalidRequestError(
      "Anthropic has no embeddings API. Route embeddings to an OpenAI, Gemini or OpenAI-compatible model.",
      { param: "model", code: "embeddings_not_supported" },
    );
  },
};
