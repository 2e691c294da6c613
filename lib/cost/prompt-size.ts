// How big a request's prompt is, for reservations, rate limits and swap rules — cheaply, on the
// request path (no tokenizer: a character count of the text a model reads).
import type { ChatCompletionRequest, EmbeddingsRequest } from "@/lib/gateway/openai-contract";
import { MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS, roughTokens, textUnits } from "./tokens";

/** What providers bill for an image or audio clip of unknown size: a generous flat guess. */
const MEDIA_PART_TOKENS = 1_000;

function contentChars(content: unknown): { chars: number; media: number } {
  if (typeof content === "string") return { chars: textUnits(content), media: 0 };
  let chars = 0;
  let media = 0;
  if (Array.isArray(content)) {
    for (const p of content as Array<Record<string, unknown>>) {
      if (p?.type === "text" && typeof p.text === "string") chars += textUnits(p.text);
      else if (p?.type === "refusal" && typeof p.refusal === "string") chars += textUnits(p.refusal);
      else media++;
    }
  }
  return { chars, media };
}

/** Estimated prompt tokens of a chat request: messages, tool calls, tool definitions, schema. */
export function chatPromptTokens(req: ChatCompletionRequest): number {
  let chars = 0;
  let media = 0;
  for (const m of req.messages) {
    const c = contentChars((m as { content?: unknown }).content);
    chars += c.chars;
    media += c.media;
    const calls = (m as { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> }).tool_calls;
    for (const call of calls ?? []) chars += textUnits(call.function?.name ?? "") + textUnits(call.function?.arguments ?? "");
  }
  if (req.tools) chars += textUnits(JSON.stringify(req.tools));
  if (req.response_format) chars += textUnits(JSON.stringify(req.response_format));
  return roughTokens(chars) + media * MEDIA_PART_TOKENS + req.messages.length * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS;
}

/** Estimated tokens of an embeddings request (token-id inputs count one per id). */
export function embeddingsPromptTokens(req: EmbeddingsRequest): number {
  const input = req.input as unknown;
  if (typeof input === "string") return roughTokens(textUnits(input));
  if (!Array.isArray(input)) return 0;
  let tokens = 0;
  for (const item of input) {
    if (typeof item === "string") tokens += roughTokens(textUnits(item));
    else if (typeof item === "number") tokens += 1;
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}

/** The most the answer may produce: the request's limit, else the configured reservation. */
export function maxOutputTokens(req: ChatCompletionRequest | undefined, fallback: number): number {
  if (!req) return 0; // embeddings produce no output tokens
  const r = req as { max_completion_tokens?: unknown; max_tokens?: unknown; n?: unknown };
  const limit = typeof r.max_completion_tokens === "number" ? r.max_completion_tokens : typeof r.max_tokens === "number" ? r.max_tokens : fallback;
  const n = typeof r.n === "number" && r.n > 1 ? r.n : 1;
  return Math.max(0, limit) * n;
}

/** The request's own output limit, if it set one (swap rules treat absence as unlimited). */
export function requestedMaxTokens(req: ChatCompletionRequest | undefined): number | undefined {
  const r = req as { max_completion_tokens?: unknown; max_tokens?: unknown } | undefined;
  if (typeof r?.max_completion_tokens === "number") return r.max_completion_tokens;
  if (typeof r?.max_tokens === "number") return r.max_tokens;
  return undefined;
}

/** The text a model reads in a chat request, for counting tokens when a provider reports none. */
export function chatPromptText(req: ChatCompletionRequest): string {
  const parts: string[] = [];
  for (const m of req.messages) {
    const content = (m as { content?: unknown }).content;
    if (typeof content === "string") parts.push(content);
    else if (Array.isArray(content)) for (const p of content as Array<{ type?: string; text?: string }>) if (p?.type === "text" && p.text) parts.push(p.text);
    for (const call of (m as { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> }).tool_calls ?? []) {
      parts.push(call.function?.name ?? "", call.function?.arguments ?? "");
    }
  }
  if (req.tools) parts.push(JSON.stringify(req.tools));
  return parts.join("\n");
}

/** The text of an embeddings request's input (token-id inputs are counted, not decoded). */
export function embeddingsInputText(req: EmbeddingsRequest): string {
  const input = req.input as unknown;
  if (typeof input === "string") return input;
  return Array.isArray(input) ? input.filter((x): x is string => typeof x === "string").join("\n") : "";
}
