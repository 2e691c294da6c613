// LOCATION from gazetteers (countries, regions, cities, GeoNames towns) and from context
// ("lives in X", "moved here from X"). A gazetteer hit alone is weak evidence when the word is
// also a name or an ordinary word ("Florence", "Mobile"), so those need a cue before them.
import type { Lexicon, PlaceKind } from "./lexicon";
import type { Claims } from "./spans";
import type { Token } from "./tokenize";

/** Lowercase words allowed inside a capitalised place name ("Villafranca del Cid"). */
const CONNECTORS = new Set(["de", "del", "della", "di", "da", "do", "dos", "das", "la", "le", "les", "los", "las", "of", "upon", "on", "am", "an", "im", "der", "den", "sur", "y", "and", "en", "el", "al", "-"]);
/** A word right before the place that makes it a place reference. */
const WEAK_CUES = new Set(["in", "from", "to", "at", "near", "visit", "visiting", "visited", "towards", "toward", "via", "around", "outside", "leaving", "into", "across", "throughout"]);
/** Two-word cues strong enough to take an unknown capitalised word for a place. */
const STRONG_CUES = new Set([
  "live in", "lives in", "lived in", "living in", "moved to", "moved from", "here from", "up in", "born in", "travelling to", "traveling to", "trip to",
  "based in", "located in", "city of", "town of", "village of", "university of", "flight to", "flying to", "originally from", "come from", "comes from",
  "came from", "am from", "i'm from", "im from", "relocated to", "move to", "moving to", "office in", "stay in", "staying in", "stayed in", "visit to",
  "coming to", "going to", "went to", "return to", "returning to", "back to", "headquartered in", "residing in", "resides in", "reside in",
]);

function prevWordIndex(tokens: readonly Token[], i: number): number {
  return i - 1;
}

export function cueBefore(tokens: readonly Token[], i: number): "strong" | "weak" | null {
  const p = prevWordIndex(tokens, i);
  const prev = tokens[p];
  if (!prev || prev.kind !== "word") return null;
  const prev2 = tokens[p - 1];
  if (prev2 && STRONG_CUES.has(`${prev2.lower} ${prev.lower}`)) return "strong";
  return WEAK_CUES.has(prev.lower) ? "weak" : null;
}

/** "X, Country" or "X, ST": a place followed by a larger place. */
function followedByPlace(tokens: readonly Token[], j: number, lex: Lexicon): boolean {
  const comma = tokens[j + 1];
  const next = tokens[j + 2];
  if (!comma || comma.text !== "," || !next || next.kind !== "word") return false;
  if (next.shape === "upper" && lex.usStateCodes.has(next.text)) return true;
  return lex.places.matchAt(tokens, j + 2).some((h) => h.kind === "country" || h.kind === "region");
}

function baseScore(kind: PlaceKind, population: number): number {
  switch (kind) {
    case "country":
      return 0.85;
    case "region":
      return 0.75;
    case "city":
      return 0.7;
    case "town":
      // Many towns share their name with a surname ("Logan", "Wells"); a stricter score here
      // traded more recall than it gained precision on the tuning split (F2 favours recall),
      // and a name taken for a town is still redacted.
      return population >= 100_000 ? 0.55 : population >= 10_000 ? 0.45 : 0.4;
  }
}

export function findGazetteerPlaces(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "word") continue;
    const hits = lex.places.matchAt(tokens, i);
    if (hits.length === 0) continue;
    for (const hit of hits) {
      const j = i + hit.length - 1;
      let lowercase = true;
      let capitalised = true;
      let wordCount = 0;
      for (let k = i; k <= j; k++) {
        const w = tokens[k];
        if (w.kind !== "word") continue;
        wordCount++;
        if (w.shape !== "lower") lowercase = false;
        if (w.shape !== "title" && w.shape !== "upper" && !(k > i && CONNECTORS.has(w.lower))) capitalised = false;
      }
      if (!capitalised && !lowercase) continue;
      const start = t.start;
      const end = tokens[j].end;
      if (claims.overlaps(start, end)) continue;
      const cue = cueBefore(tokens, i);
      const single = wordCount === 1;
      const isName = single && (lex.firstNames.has(t.lower) || lex.lastNames.has(t.lower));
      const isCommon = single && lex.common.has(t.lower);
      let score = baseScore(hit.kind, hit.weight);
      if (lowercase) {
        // "i'm from canada": lowercase countries and states with a cue only.
        if ((hit.kind !== "country" && hit.kind !== "region") || !cue || isCommon) continue;
        score = 0.6;
      }
      if (!single) score += 0.1;
      if (isName || isCommon) {
        // "Florence", "Jackson", "Mobile": a place only where the sentence says so.
        // Without a cue the word is left to the name rules instead of being claimed here.
        if (!cue && !followedByPlace(tokens, j, lex)) {
          if (hit.kind !== "country") continue;
          score = 0.5;
        }
      } else if (cue === "strong" || followedByPlace(tokens, j, lex)) {
        score += 0.2;
      } else if (cue === "weak") {
        score += 0.1;
      } else if (single && t.sentenceStart && hit.kind === "town") {
        // "Florence sent the report": a sentence-initial town with no cue is as likely a name.
        score = Math.min(score, 0.35);
      }
      if (t.shape === "upper" && single && t.text.length <= 3) continue; // "SK", "NO": codes, handled in addresses
      claims.add({ entityType: "LOCATION", start, end, score: Math.min(score, 0.9), rule: `place.${hit.kind}` });
      i = j;
      break;
    }
  }
}

/** Capitalised words after a strong location cue: "I live in Flateyri". */
export function findCuedPlaces(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "word" || (t.shape !== "title" && t.shape !== "upper")) continue;
    const cue = cueBefore(tokens, i);
    if (cue !== "strong") continue;
    let j = i;
    while (j + 1 < tokens.length && j - i < 3) {
      const n = tokens[j + 1];
      if (n.kind !== "word" || n.newlineBefore || (n.shape !== "title" && n.shape !== "upper" && !CONNECTORS.has(n.lower))) break;
      j++;
    }
    while (j > i && CONNECTORS.has(tokens[j].lower)) j--;
    const start = t.start;
    const end = tokens[j].end;
    if (claims.overlaps(start, end)) continue;
    // "I live in Mary's house" / "moved to The ...": names and common words are not places here.
    if (lex.firstNames.has(t.lower) || lex.common.has(t.lower) || lex.months.has(t.lower) || lex.weekdays.has(t.lower)) continue;
    claims.add({ entityType: "LOCATION", start, end, score: 0.6, rule: "place.cue" });
    i = j;
  }
}
