// PERSON (and the organisations that look like names): runs of capitalised words, judged by
// what their words are — a known first or last name, an honorific before them, an ordinary
// English word (then it is a title or a phrase, not a name) — and by the words around them
// ("my name is", "Dear", "by"). Unknown capitalised words count as names only mid-sentence or
// with such a cue, so the capital of a sentence start is not mistaken for a name.
import type { Lexicon } from "./lexicon";
import type { Claims } from "./spans";
import type { Token } from "./tokenize";

/** Lowercase particles inside names ("Ludwig van Beethoven", "Maria da Silva"). */
const PARTICLES = new Set(["van", "von", "de", "da", "del", "della", "di", "du", "le", "la", "bin", "ibn", "al", "el", "ter", "den", "der", "dos", "das", "mac", "st"]);
/** Words right before a name that say a person follows. */
const CUES_ONE = new Set(["dear", "hi", "hello", "hey", "thanks", "by", "named", "called", "mr", "mrs", "ms", "dr", "with", "to", "from", "contact", "ask", "tell", "meet", "met", "cc", "attn", "regards", "sincerely", "signed", "patient", "client", "customer", "friend", "son", "daughter", "wife", "husband", "brother", "sister", "mother", "father", "uncle", "aunt", "cousin", "producer", "director", "author", "singer", "actor", "actress"]);
const CUES_TWO = new Set(["name is", "name's", "i'm", "i am", "this is", "name :", "user :", "customer :", "patient :", "from :", "to :", "by :", "thank you", "spoke with", "talked to", "written by", "directed by", "produced by", "performed by", "sung by", "starring"]);
/** Words right after a name that say it was a person. */
const CUES_AFTER = new Set(["said", "says", "wrote", "writes", "told", "asked", "replied", "called", "thinks", "thought", "who", "himself", "herself"]);
/** Chain-breaking words that are titles of works or sections, not people. */
const NOT_NAMES = new Set(["bot", "user", "name", "address", "phone", "email", "date", "subject", "re", "fw", "fwd", "ok", "id", "ssn", "tel", "fax", "mobile", "note", "notes", "answer", "question", "the"]);

function isCap(t: Token): boolean {
  return t.kind === "word" && (t.shape === "title" || t.shape === "upper" || t.shape === "mixed");
}

function cueBefore(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (!prev) return false;
  if (prev.kind === "word" && CUES_ONE.has(prev.lower)) return true;
  const prev2 = tokens[i - 2];
  if (prev2 && CUES_TWO.has(`${prev2.lower} ${prev.lower}`)) return true;
  if (prev.text === "." && prev2 && CUES_ONE.has(prev2.lower)) return true;
  // "My name is" with a colon or quote: "name: John".
  const prev3 = tokens[i - 3];
  return Boolean(prev3 && prev2 && CUES_TWO.has(`${prev3.lower} ${prev2.lower}`) && (prev.text === ":" || prev.text === '"'));
}

function cueAfter(tokens: readonly Token[], j: number): boolean {
  const n = tokens[j + 1];
  if (!n) return false;
  if (n.kind === "word" && CUES_AFTER.has(n.lower)) return true;
  return n.text === "'" || n.text === "’" ? tokens[j + 2]?.lower === "s" : false;
}

type Kind = "first" | "firstCommon" | "last" | "common" | "unknown" | "initial";

function classify(t: Token, lex: Lexicon): Kind {
  if (t.text.length === 1 && /\p{Lu}/u.test(t.text)) return "initial";
  const w = t.lower.replace(/['’]s$/, "");
  const common = lex.common.has(w);
  if (lex.firstNames.has(w)) return common ? "firstCommon" : "first";
  if (lex.lastNames.has(w)) return common ? "common" : "last";
  if (common || lex.months.has(w) || lex.weekdays.has(w) || NOT_NAMES.has(w)) return "common";
  return "unknown";
}

/** "Davis, Reynolds and Williamson": surnames in a list are a firm, not three people. */
export function findFirmNames(text: string, lex: Lexicon, claims: Claims): void {
  const re = /(?<![\p{L}\p{M}])(\p{Lu}[\p{L}\p{M}'’\-]+), (\p{Lu}[\p{L}\p{M}'’\-]+),? (?:and|&) (\p{Lu}[\p{L}\p{M}'’\-]+)(?![\p{L}\p{M}])/giu;
  for (const m of text.matchAll(re)) {
    const names = [m[1], m[2], m[3]].map((s) => s.toLowerCase());
    if (names.some((n) => lex.firstNames.has(n) || lex.common.has(n) || lex.nrp.has(n))) continue;
    claims.add({ entityType: "ORGANIZATION", start: m.index, end: m.index + m[0].length, score: 0.6, rule: "org.firm" });
  }
}

export function findPeople(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!isCap(t) || claims.overlaps(t.start, t.end)) continue;
    // Gather the run: capitalised words, initials with their period, inner particles.
    const idx: number[] = [i];
    let j = i;
    // "Yefremova's Cautionary Tales": a possessive ends the name, also on its first word.
    while (j + 1 < tokens.length && !/['’]s$/.test(tokens[j].text)) {
      const n = tokens[j + 1];
      if (n.newlineBefore || claims.overlaps(n.start, n.end)) break;
      if (n.text === "." && tokens[j].kind === "word" && (tokens[j].text.length === 1 || lex.honorifics.has(tokens[j].lower))) {
        j++;
        continue;
      }
      if (isCap(n)) {
        idx.push(j + 1);
        j++;
        continue;
      }
      const after = tokens[j + 2];
      if (n.kind === "word" && PARTICLES.has(n.lower) && after && isCap(after) && !after.newlineBefore) {
        j++;
        continue;
      }
      break;
    }
    const next = j;
    let words = idx.map((k) => tokens[k]);
    let firstIdx = i;
    // Organisation: the run ends in "Inc", "Bank", "University"…
    if (words.length >= 2 && lex.orgWords.has(words[words.length - 1].lower)) {
      const start = words[0].sentenceStart && classify(words[0], lex) === "common" ? words[1].start : words[0].start;
      claims.add({ entityType: "ORGANIZATION", start, end: tokens[next].end, score: 0.6, rule: "org.suffix" });
      i = next;
      continue;
    }
    // An honorific opens the run: "Mrs. Jane Doe" (the title itself is not the person), and
    // ordinary words at either end are the sentence around the name ("Unlike", "Dear", "Thanks").
    let titled = false;
    let kinds = words.map((w) => classify(w, lex));
    while (words.length > 0 && (lex.honorifics.has(words[0].lower) || kinds[0] === "common")) {
      if (lex.honorifics.has(words[0].lower)) titled = true;
      words = words.slice(1);
      kinds = kinds.slice(1);
      idx.shift();
    }
    while (kinds.length > 0 && kinds[kinds.length - 1] === "common") {
      words = words.slice(0, -1);
      kinds = kinds.slice(0, -1);
      idx.pop();
    }
    i = next;
    if (words.length === 0 || kinds.every((k) => k === "initial")) continue;
    const first = words[0];
    firstIdx = idx[0];
    const lastIdx = idx[idx.length - 1];
    const cue = cueBefore(tokens, firstIdx) || titled || cueAfter(tokens, lastIdx);
    const named = kinds.filter((k) => k !== "initial");
    let score: number;
    if (kinds.includes("common")) {
      // "Tube Snake Boogie", "Entertainment Weekly": an ordinary word inside — a title, not a name.
      if (!titled && !(kinds[0] === "first" && kinds.length <= 3)) continue;
      score = 0.5;
    } else if (titled) {
      score = 0.85;
    } else if (named.length >= 2) {
      if (kinds[0] === "first") score = 0.85;
      else if (kinds[kinds.length - 1] === "last" || kinds.includes("first")) score = 0.75;
      else if (kinds[0] === "firstCommon") score = 0.6;
      else score = first.sentenceStart ? 0.45 : 0.55;
    } else {
      const k = named[0];
      score = k === "first" ? 0.65 : k === "last" ? 0.5 : k === "firstCommon" ? 0.3 : first.sentenceStart ? 0.2 : 0.35;
    }
    if (cue) score = Math.min(0.9, score + 0.25);
    // ALL-CAPS runs are acronyms and headings ("from AWS") unless their words are names.
    if (words.every((w) => w.shape === "upper") && !kinds.some((k) => k === "first" || k === "last")) score = Math.min(score, 0.3);
    let end = words[words.length - 1].end;
    // Possessive "Yefremova's": the name ends before the apostrophe.
    const m = /['’]s$/.exec(words[words.length - 1].text);
    if (m) end -= m[0].length;
    if (claims.overlaps(first.start, end)) continue;
    claims.add({ entityType: "PERSON", start: first.start, end, score, rule: titled ? "person.title" : cue ? "person.cue" : `person.${named.length > 1 ? "multi" : kinds[0]}` });
  }
}

/** "my name is patricia desrosiers": lowercase names, only right after an explicit cue. */
export function findLowercaseNames(tokens: readonly Token[], lex: Lexicon, claims: Claims): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== "word" || t.shape !== "lower" || !lex.firstNames.has(t.lower) || lex.common.has(t.lower)) continue;
    if (!cueBefore(tokens, i)) continue;
    let j = i;
    const n = tokens[i + 1];
    if (n && n.kind === "word" && n.shape === "lower" && !n.newlineBefore && !lex.common.has(n.lower)) j = i + 1;
    if (claims.overlaps(t.start, tokens[j].end)) continue;
    claims.add({ entityType: "PERSON", start: t.start, end: tokens[j].end, score: 0.6, rule: "person.lowercase" });
    i = j;
  }
}
