// Context enhancement in the manner of Presidio's LemmaContextAwareEnhancer: words near a
// candidate span that a recognizer lists as context (e.g. "card" for CREDIT_CARD) raise its
// score. Presidio takes the 5 keyword lemmas before the span (context_prefix_count=5,
// context_suffix_count=0), skipping stop words and punctuation, adds 0.35
// (context_similarity_factor), raises to at least 0.4 (min_score_with_context_similarity) and
// caps at 1.0. We tokenize and lemmatize with a small rule set instead of spaCy.
//
// Deliberate differences from Presidio (both make context more precise, not looser):
// - Presidio matches a context word as a *substring* of a keyword ("ip" inside "ship"); we match
//   whole lemmas.
// - Presidio never matches multi-word context ("tax file number": a single token never contains
//   a space, its issue #603); we match phrases as consecutive keyword lemmas.

export interface ContextSettings {
  /** Keywords looked at before the span (Presidio: 5). */
  prefixCount: number;
  /** Keywords looked at after the span (Presidio: 0). */
  suffixCount: number;
  /** Added to the score when a context word is found (Presidio: 0.35). */
  similarityFactor: number;
  /** Floor for a context-boosted score (Presidio: 0.4). */
  minScoreWithContext: number;
}

export const DEFAULT_CONTEXT_SETTINGS: ContextSettings = {
  prefixCount: 5,
  suffixCount: 0,
  similarityFactor: 0.35,
  minScoreWithContext: 0.4,
};

// spaCy marks these as stop words, so Presidio's keyword window skips them; a compact subset
// of its English list is enough to keep "my card number is 4111…" within the window.
const STOP_WORDS = new Set(
  (
    "a an the and or but if of at by for with about against between into through during before after " +
    "above below to from up down in out on off over under again further then once here there when where " +
    "why how all any both each few more most other some such no nor not only own same so than too very " +
    "can will just should now i me my myself we our ours ourselves you your yours yourself he him his " +
    "himself she her hers herself it its itself they them their theirs themselves what which who whom " +
    "this that these those am is are was were be been being have has had having do does did doing would " +
    "could shall may might must also please is's it's i'm"
  ).split(" "),
);

// Letters, digits, underscore: a keyword. Everything else (punctuation, '#', ':') separates.
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * A light lemmatizer: lower case, drop possessive "'s" and plural endings, so that "cards",
 * "card's" and "Card" all meet the context word "card". spaCy's lemmatizer does this (and
 * more) for Presidio.
 */
export function lemma(word: string): string {
  let w = word.toLowerCase();
  if (w.endsWith("'s") || w.endsWith("’s")) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith("ies")) return w.slice(0, -3) + "y";
  if (w.length > 4 && /(?:ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
    return w.slice(0, -1);
  }
  return w;
}

/** Splits a context entry ("lic#", "tax file number") into keyword lemmas. */
export function contextTerms(entry: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const ch of entry) {
    if (WORD_CHAR.test(ch)) cur += ch;
    else if (cur) {
      out.push(lemma(cur));
      cur = "";
    }
  }
  if (cur) out.push(lemma(cur));
  return out;
}

/** A recognizer's context compiled once: single words in a set, phrases as lemma sequences. */
export interface CompiledContext {
  words: ReadonlySet<string>;
  phrases: readonly (readonly string[])[];
}

export function compileContext(entries: readonly string[] | undefined): CompiledContext | undefined {
  if (!entries || entries.length === 0) return undefined;
  const words = new Set<string>();
  const phrases: string[][] = [];
  for (const e of entries) {
    const terms = contextTerms(e);
    if (terms.length === 1) words.add(terms[0]);
    else if (terms.length > 1) phrases.push(terms);
  }
  if (words.size === 0 && phrases.length === 0) return undefined;
  return { words, phrases };
}

function isWordCode(code: number): boolean {
  // Fast path for ASCII; fall back to the Unicode class for the rest.
  if (code < 128) {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  }
  return WORD_CHAR.test(String.fromCharCode(code));
}

/** Up to `count` keyword lemmas ending before `pos`, nearest last (reading order). */
export function keywordsBefore(text: string, pos: number, count: number): string[] {
  const out: string[] = [];
  let i = pos - 1;
  // Bound the look-back so a pathological run of stop words cannot make this linear in the text.
  const limit = Math.max(0, pos - 400);
  while (i >= limit && out.length < count) {
    while (i >= limit && !isWordCode(text.charCodeAt(i))) i--;
    if (i < limit) break;
    const end = i + 1;
    while (i >= limit && isWordCode(text.charCodeAt(i))) i--;
    const word = text.slice(i + 1, end).toLowerCase();
    if (!STOP_WORDS.has(word)) out.push(lemma(word));
  }
  return out.reverse();
}

/** Up to `count` keyword lemmas starting at or after `pos`, in reading order. */
export function keywordsAfter(text: string, pos: number, count: number): string[] {
  const out: string[] = [];
  let i = pos;
  const limit = Math.min(text.length, pos + 400);
  while (i < limit && out.length < count) {
    while (i < limit && !isWordCode(text.charCodeAt(i))) i++;
    if (i >= limit) break;
    const start = i;
    while (i < limit && isWordCode(text.charCodeAt(i))) i++;
    const word = text.slice(start, i).toLowerCase();
    if (!STOP_WORDS.has(word)) out.push(lemma(word));
  }
  return out;
}

function containsPhrase(keywords: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= keywords.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (keywords[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/** The first context term found around [start, end), or undefined. */
export function findSupportiveContext(
  text: string,
  start: number,
  end: number,
  ctx: CompiledContext,
  settings: ContextSettings,
): string | undefined {
  const before = settings.prefixCount > 0 ? keywordsBefore(text, start, settings.prefixCount) : [];
  const after = settings.suffixCount > 0 ? keywordsAfter(text, end, settings.suffixCount) : [];
  for (const w of before) if (ctx.words.has(w)) return w;
  for (const w of after) if (ctx.words.has(w)) return w;
  for (const p of ctx.phrases) {
    if (containsPhrase(before, p) || containsPhrase(after, p)) return p.join(" ");
  }
  return undefined;
}

/** Presidio's score update for a supported result. */
export function boostedScore(score: number, settings: ContextSettings): number {
  return Math.min(1, Math.max(score + settings.similarityFactor, settings.minScoreWithContext));
}
