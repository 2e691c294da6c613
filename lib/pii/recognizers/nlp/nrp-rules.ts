// NRP (spaCy's NORP): nationalities, religious and political groups, from a word list — there is
// no context that makes "Muslim" or "Danish" more or less of one.
import type { Lexicon } from "./lexicon";
import type { Claims } from "./spans";
import type { Token } from "./tokenize";

export function findNrp(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "word") continue;
    // Two-word groups first: "South African", "New Zealander", "Sri Lankan".
    const two = tokens[i + 1];
    if (two && two.kind === "word" && !two.newlineBefore && t.shape !== "lower" && lex.nrp.has(`${t.lower} ${two.lower}`)) {
      if (!claims.overlaps(t.start, two.end)) claims.add({ entityType: "NRP", start: t.start, end: two.end, score: 0.85, rule: "nrp.phrase" });
      i++;
      continue;
    }
    if (!lex.nrp.has(t.lower)) continue;
    // "Czech Republic", "Dominican Republic": the first word of a longer place name.
    if (lex.places.matchAt(tokens, i).some((h) => h.length > 1 && h.kind === "country")) continue;
    if (t.shape === "lower" && lex.nrpCapitalisedOnly.has(t.lower)) continue;
    if (claims.overlaps(t.start, t.end)) continue;
    claims.add({ entityType: "NRP", start: t.start, end: t.end, score: t.shape === "lower" ? 0.6 : 0.85, rule: t.shape === "lower" ? "nrp.lower" : "nrp.word" });
  }
}
