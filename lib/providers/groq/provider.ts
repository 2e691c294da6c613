// Groq: OpenAI wire format with a few unsupported parameters.
import "server-only";
import type { Usage } from "@/lib/gateway/openai-contract";
import { InvalidRequestError } from "@/lib/errors";
import { createOpenAICompatibleProvider, type JsonBody } from "../openai-compatible/base";

/** The official SDK's base URL (requests go to `${apiBase}/chat/completions`). */
export const GROQ_DEFAULT_API_BASE = "https://api.groq.com/openai/v1";

/**
 * Groq answers 400 to `logit_bias`, `logprobs`, `top_logprobs` and `n` ≠ 1. A client that asked
 * for logprobs or several choices would silently get less than requested, so those are errors;
 * `logit_bias` only nudges sampling and is dropped, as are explicit "off" values.
 */
export function prepareGroqChat(body: JsonBody): JsonBody {
  const out = { ...body };
  if (typeof out.n === "number" && out.n !== 1) {
    throw new InvalidRequestError("Groq supports only n=1 (one choice per request).", { param: "n" });
  }
  if (out.logprobs === true || (typeof out.top_logprobs === "number" && out.top_logprobs > 0)) {
    throw new InvalidRequestError("Groq does not support logprobs; remove 'logprobs'/'top_logprobs' or use another model.", {
      param: out.logprobs === true ? "logprobs" : "top_logprobs",
    });
  }
  delete out.n;
  delete out.logprobs;
  delete out.top_logprobs;
  delete out.logit_bias;
  return out;
}

/** Groq reports stream usage in `x_groq.usage` on the last content chunk. */
export function groqChunkUsage(chunk: JsonBody): Usage | undefined {
  const x = chunk.x_groq as { usage?: Usage } | undefined;
  return x?.usage && typeof x.usage.prompt_tokens === "number" ? x.usage : undefined;
}

export const groqProvider = createOpenAICompatibleProvider({
  id: "groq",
  prepareChat: prepareGroqChat,
  extraChunkUsage: groqChunkUsage,
});
