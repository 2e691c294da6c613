// Rough truncation for embedders whose tokenizer runs elsewhere (API upstreams). Local models
// truncate with their real tokenizer in the worker; here we only need to stay under the window,
// so a conservative estimate is enough and costs nothing.

/**
 * Characters per token we assume. English BPE averages ~4; 3 leaves room for code and numbers.
 * Scripts that tokenize near one token per character (CJK) are counted per code point below.
 */
const CHARS_PER_TOKEN = 3;

/** An upper-bound-ish token estimate: wide characters count as one token each. */
export function estimateTokens(text: string): number {
  let narrow = 0;
  let wide = 0;
  for (const ch of text) {
    if (ch.codePointAt(0)! > 0x2e7f) wide++;
    else narrow++;
  }
  return Math.ceil(narrow / CHARS_PER_TOKEN) + wide;
}

/** Keeps the start of `text` within about `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  // Fast path: even at one token per UTF-16 unit it fits.
  if (text.length <= maxTokens) return { text, truncated: false };
  if (estimateTokens(text) <= maxTokens) return { text, truncated: false };
  let budget = maxTokens * CHARS_PER_TOKEN;
  let end = 0;
  for (const ch of text) {
    budget -= ch.codePointAt(0)! > 0x2e7f ? CHARS_PER_TOKEN : 1;
    if (budget < 0) break;
    end += ch.length;
  }
  return { text: text.slice(0, end), truncated: true };
}
