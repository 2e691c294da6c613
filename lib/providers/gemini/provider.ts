// Google Gemini (Generative Language API) behind the OpenAI contract.
import "server-only";
import { requestEventStream, requestJson, withoutCredentials } from "../http";
import { guardedStream } from "../openai-shapes";
import type { Provider, ProviderTarget } from "../types";
import {
  fromGeminiEmbeddings,
  fromGeminiResponse,
  stripModelsPrefix,
  toGeminiEmbedRequest,
  toGeminiRequest,
  translateGeminiStream,
  type GeminiResponse,
} from "./translate";

/** Host root, as in Google's SDK (requests go to `${apiBase}/v1beta/models/{model}:…`). */
export const GEMINI_DEFAULT_API_BASE = "https://generativelanguage.googleapis.com";

export function geminiUrl(target: ProviderTarget, method: string, query = ""): string {
  const model = encodeURIComponent(stripModelsPrefix(target.upstreamModel));
  return `${target.apiBase.replace(/\/+$/, "")}/v1beta/models/${model}:${method}${query}`;
}

function headers(target: ProviderTarget): Record<string, string> {
  // The key goes in a header, never in the URL, so it cannot leak into logs of URLs.
  return { ...(target.apiKey ? { "x-goog-api-key": target.apiKey } : {}), ...target.headers };
}

export const geminiProvider: Provider = {
  id: "gemini",

  async chat(req, target, opts) {
    const res = await requestJson<GeminiResponse>(
      { provider: "gemini", url: geminiUrl(target, "generateContent"), headers: headers(target), body: toGeminiRequest(req) },
      opts,
    );
    return fromGeminiResponse(res, target.upstreamModel);
  },

  async chatStream(req, target, opts) {
    const sent = headers(target);
    const events = await requestEventStream({ provider: "gemini", url: geminiUrl(target, "streamGenerateContent", "?alt=sse"), headers: sent, body: toGeminiRequest(req) }, opts);
    return guardedStream(events, translateGeminiStream(events, target.upstreamModel, (t) => withoutCredentials(t, sent)));
  },

  async embeddings(req, target, opts) {
    const { single, body } = toGeminiEmbedRequest(req, target.upstreamModel);
    const res = await requestJson<Parameters<typeof fromGeminiEmbeddings>[0]>(
      { provider: "gemini", url: geminiUrl(target, single ? "embedContent" : "batchEmbedContents"), headers: headers(target), body },
      opts,
    );
    return fromGeminiEmbeddings(res, req, target.upstreamModel);
  },
};
