// A small, allocation-light tokenizer for the NLP recognizers. A full NLP parse (compromise's
// tagger) costs ~2 ms per short prompt; the rules here only need words with their offsets, their
// letter case and whether they open a sentence, which one regex pass gives in microseconds.

export type Shape = "title" | "upper" | "lower" | "mixed" | "other";

export interface Token {
  text: string;
  /** Lowercased text, the key for every lexicon lookup. */
  lower: string;
  start: number;
  end: number;
  kind: "word" | "num" | "punct";
  shape: Shape;
  /** First word of a sentence: capitalised for grammar, not because it is a name. */
  sentenceStart: boolean;
  /** A line break lies between this token and the previous one. */
  newlineBefore: boolean;
}

// Words keep inner apostrophes and hyphens ("O'Neil", "Mayo-Walters"); numbers keep inner
// separators so "2/8/1935" or "2000-04-16" stay one token; anything else is one punctuation char.
const TOKEN_RE = /[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*|\d+(?:[/\-:.,]\d+)*|\S/gu;
const UPPER_RE = /^[\p{Lu}\p{M}'’\-]+$/u;
const LOWER_RE = /^[\p{Ll}\p{M}'’\-]+$/u;
const TITLE_RE = /^\p{Lu}[\p{Ll}\p{M}'’\-]*(?:[\-'’]\p{Lu}[\p{Ll}\p{M}]*)*[\p{Ll}\p{M}'’\-]*$/u;
const LETTER_RE = /^[\p{L}\p{M}]/u;

function shapeOf(text: string): Shape {
  if (!LETTER_RE.test(text)) return "other";
  if (text.length > 1 && UPPER_RE.test(text)) return "upper";
  if (text.length === 1 && UPPER_RE.test(text)) return "title";
  if (LOWER_RE.test(text)) return "lower";
  if (TITLE_RE.test(text)) return "title";
  return "mixed";
}

/** Words after which a period does not end the sentence ("Mr. Smith", "J. Smith"). */
const NON_TERMINAL_ABBREVIATIONS = new Set([
  "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "mt", "ft", "no", "vs", "etc", "apt", "inc", "co", "gen", "col", "capt", "lt", "sgt", "rev", "hon", "mx",
]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentenceStart = true;
  let lastEnd = 0;
  // Position of the next line break, advanced lazily: no gap strings are built per token.
  let nextNewline = text.indexOf("\n");
  for (const m of text.matchAll(TOKEN_RE)) {
    const t = m[0];
    const start = m.index;
    while (nextNewline !== -1 && nextNewline < lastEnd) nextNewline = text.indexOf("\n", nextNewline + 1);
    const newlineBefore = nextNewline !== -1 && nextNewline < start;
    // A blank line or a line break before a capitalised word starts a new "sentence" (lists,
    // signatures, address blocks), so a name on its own line is not penalised as a sentence start.
    if (newlineBefore) sentenceStart = true;
    const kind: Token["kind"] = LETTER_RE.test(t) ? "word" : /^\d/.test(t) ? "num" : "punct";
    tokens.push({ text: t, lower: kind === "word" ? t.toLowerCase() : t, start, end: start + t.length, kind, shape: shapeOf(t), sentenceStart: sentenceStart && kind !== "punct", newlineBefore });
    if (kind !== "punct") {
      sentenceStart = false;
    } else if (t === "!" || t === "?" || t === ":" || t === ";" || t === '"' || t === "“" || t === "(" || t === "—") {
      sentenceStart = true;
    } else if (t === ".") {
      const prev = tokens[tokens.length - 2];
      const abbreviation = prev && prev.end === start && prev.kind === "word" && (prev.text.length === 1 || NON_TERMINAL_ABBREVIATIONS.has(prev.lower));
      if (!abbreviation) sentenceStart = true;
    }
    lastEnd = start + t.length;
  }
  return tokens;
}
