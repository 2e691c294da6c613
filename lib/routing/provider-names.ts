// Which provider serves a model name that is not in model_list. Pure (no server-only, no env) so
// config validation can tell a resolvable name from a typo in the browser too.
import type { ProviderId } from "@/lib/providers/types";

const EXPLICIT_PREFIX = /^(openai|anthropic|gemini|groq)\/(.+)$/;

/** Which provider serves a model name that is not in model_list (undefined: none). */
export function providerForModelName(name: string): { provider: ProviderId; upstreamModel: string } | undefined {
  const explicit = EXPLICIT_PREFIX.exec(name);
  if (explicit) return { provider: explicit[1] as ProviderId, upstreamModel: explicit[2] };
  // Gemini's embedding names first: text-embedding-004 would otherwise match OpenAI's text-embedding-*.
  if (/^gemini-/.test(name) || name === "text-embedding-004") return { provider: "gemini", upstreamModel: name };
  if (/^claude-/.test(name)) return { provider: "anthropic", upstreamModel: name };
  // ft: is OpenAI's fine-tuned model id form (ft:gpt-4o-mini-2024-07-18:org::id).
  if (/^(gpt-|chatgpt-|text-embedding-|o\d|davinci|babbage|ft:)/.test(name)) return { provider: "openai", upstreamModel: name };
  return undefined;
}
