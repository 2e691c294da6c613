// Token counts for pricing: the provider's reported usage, normalised; and Helix's own count
// where the provider reported none (an aborted stream, a server without usage), marked estimated.
import type { Usage } from "@/lib/gateway/openai-contract";

/** Usage in pricing terms. input includes cachedInput and cacheWrite; output includes reasoning. */
export interface TokenUsage {
  input: number;
  output: number;
  cachedInput: number;
  cacheWrite: number;
  reasoning: number;
}

const n = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

export function fromOpenAIUsage(u: Usage | null | undefined): TokenUsage | undefined {
  if (!u) return undefined;
  const input = n(u.prompt_tokens);
  const output = n(u.completion_tokens);
  return {
    input,
    output,
    cachedInput: Math.min(input, n(u.prompt_tokens_details?.cached_tokens)),
    cacheWrite: Math.min(input, n(u.prompt_tokens_details?.cache_creation_tokens)),
    reasoning: Math.min(output, n(u.completion_tokens_details?.reasoning_tokens)),
  };
}

export function tokenUsage(input: number, output: number): TokenUsage {
  return { input: n(input), output: n(output), cachedInput: 0, cacheWrite: 0, reasoning: 0 };
}

/**
 * A quick upper-leaning count for reservations on the request path: about 4 characters per
 * token in English prose, so a third of the characters over-reserves a little (a reservation is
 * settled to the true cost afterwards; under-reserving is what lets budgets overshoot).
 * `chars` are weighted units (see textUnits): other scripts take a token or more per character.
 */
export function roughTokens(chars: number): number {
  return Math.ceil(chars / 3);
}

/** Length in roughTokens' units: ASCII characters count 1, others 3 (a token each, at least). */
export function textUnits(text: string): number {
  let units = text.length;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) units += 2;
  return units;
}

type Encoder = { encode(text: string): number[] };
let encoder: Encoder | undefined;
let loading: Promise<Encoder> | undefined;

/** The o200k tokenizer (GPT-4o's), loaded on first use (~0.7 s) and only where usage is missing. */
async function getEncoder(): Promise<Encoder> {
  if (encoder) return encoder;
  loading ??= import("js-tiktoken").then(({ getEncoding }) => (encoder = getEncoding("o200k_base")));
  return loading;
}

/**
 * Counts tokens with a real tokenizer. Exact for OpenAI's current models; for other providers'
 * models an estimate (their tokenizers are not public), which is why such costs are marked
 * "estimated". Special tokens in the text are counted as text, not interpreted.
 */
export async function countTokens(text: string): Promise<number> {
  if (text === "") return 0;
  const enc = await getEncoder();
  return enc.encode(text).length;
}

/** Per-message framing tokens in OpenAI's chat format (role, separators), per its cookbook. */
export const MESSAGE_OVERHEAD_TOKENS = 3;
export const REPLY_PRIMING_TOKENS = 3;
