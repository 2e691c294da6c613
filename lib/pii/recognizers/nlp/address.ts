// Street addresses → LOCATION (presidio-research maps STREET_ADDRESS to LOCATION; spaCy finds
// almost none of them, which is most of Presidio's low LOCATION recall). A street line is a house
// number plus words ending in a street type ("450 Crown St"), the European order ("Koskikatu 25",
// "Via Franscini 71"), or a military address ("PSC 0413, Box 8144"). From there the match runs
// on over what follows a street line in an address block — unit, town, state code, postcode,
// country — across commas and single line breaks, and stops at anything else.

export interface AddressSpan {
  start: number;
  end: number;
  /** How the street line was recognised; the recognizer turns it into a score. */
  kind: "street" | "military" | "unit";
}

/** "st|St|ST" for every word: the patterns are case-sensitive so that capitals keep meaning. */
function anyCase(alternatives: string): string {
  return alternatives
    .split("|")
    .flatMap((a) => [a, a.charAt(0).toUpperCase() + a.slice(1), a.toUpperCase()])
    .join("|");
}

function capitalised(alternatives: string): string {
  return alternatives
    .split("|")
    .flatMap((a) => [a.charAt(0).toUpperCase() + a.slice(1), a.toUpperCase()])
    .join("|");
}

const W = String.raw`[\p{L}\p{M}][\p{L}\p{M}'’.\-]*`;
const CAP = String.raw`(?:\p{Lu}[\p{L}\p{M}'’.\-]*|\d+(?:st|nd|rd|th))`;
const NUM = String.raw`\d{1,6}[A-Za-z]?(?:-\d{1,4})?`;

// USPS street suffixes and their usual abbreviations. Those that are everyday words too ("way",
// "park", "close") only count after capitalised name words.
const STREET_TYPES_PLAIN = "street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|dr|parkway|pkwy|highway|hwy|terrace|ter|crescent|cres|plaza|mews|alley|expressway|freeway|fwy|turnpike|str|streets|squares|avenues|roads|lanes|drives";
const STREET_TYPES_AMBIGUOUS = "court|ct|way|place|pl|square|sq|circle|cir|close|row|trail|trl|path|gardens|grove|walk|crossing|loop|pike|park|ridge|hill|hills|heights|view|point|pt|port|landing|junction|route|run|pass|estates|villas|meadows|manor|fort|green|cove|harbor|harbour|bay|field|fields|island|isle|key|lake|lakes|mount|mountain|mt|oval|station|summit|union|valley|vista|village|wells|ways|falls|ford|forge|glen|haven|hollow|inlet|knoll|ramp|shore|shores|spring|springs|track|tunnel|unions|views|corner|corners|creek|crest|dale|dam|divide|extension|flat|flats|gateway|harbors|lock|locks|lodge|mill|mills|mission|motorway|neck|orchard|parks|plain|plains|prairie|radial|ranch|rapids|rest|skyway|stream|throughway|trace|trafficway|underpass|via";
// Street words glued to the name or standing after it, in the European order: name + number.
const GLUED_SUFFIXES = "straße|strasse|str|gasse|weg|platz|allee|ring|damm|ufer|katu|tie|kuja|polku|kaari|vej|gade|gata|gatan|vägen|väg|veien|vegen|vei|laan|straat|gracht|plein|kade|utca|ulica|ulice|iela|gatve|tee|tänav|sokak|sokağı|caddesi|odos|ut";
const STANDALONE_EURO = "tér|út|u\\.|utca|str\\.?|ul\\.|ulica|gata|vej|gade|weg|straße|strasse|platz|allee|katu|tie|kuja";
const PREFIX_WORDS = "rue|rua|via|viale|vicolo|corso|calle|carrer|avenida|avinguda|av\\.|largo|travessa|praça|praca|piazza|plaza|paseo|camino|chemin|allée|route|ulica|ul\\.|odos|leoforos|plac|aleja|strada|stradă|calea|bulevardul|šetalište|cesta|trg|náměstí|ulice";
const UNIT = String.raw`(?:apt|apartment|suite|ste|unit|flat|room|rm|floor|fl|bldg|building|#)\.?\s?#?\d{1,6}[A-Za-z]?`;

const US_STREET = new RegExp(String.raw`\b${NUM}\s+(?:[NSEW]\.?\s+)?(?:${W}\s+){0,4}?(?:${anyCase(STREET_TYPES_PLAIN)})\b\.?`, "gu");
const US_STREET_AMBIGUOUS = new RegExp(String.raw`\b${NUM}\s+(?:[NSEW]\.?\s+)?(?:${CAP}\s+){1,4}?(?:${capitalised(STREET_TYPES_AMBIGUOUS)})\b\.?`, "gu");
const EURO_GLUED = new RegExp(String.raw`(?<![\p{L}\p{M}])(?:${CAP}\s+){0,3}${CAP}(?:${GLUED_SUFFIXES})\.?\s+${NUM}\b\.?`, "gu");
const EURO_STANDALONE = new RegExp(String.raw`(?<![\p{L}\p{M}])(?:${CAP}\s+){1,3}(?:${STANDALONE_EURO})\s+${NUM}\b\.?`, "gu");
const PREFIX_STREET = new RegExp(String.raw`(?<![\p{L}\p{M}])(?:${capitalised(PREFIX_WORDS)})\s+(?:${W}\s+){1,5}?${NUM}\b\.?`, "gu");
const MILITARY = new RegExp(String.raw`\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}|(?:USNS|USNV|USS|USCGC)\s+${W})(?:,?\s*\n?\s*(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?`, "gu");
const UNIT_ALONE = new RegExp(String.raw`\b(?:apt|apartment|suite|ste|unit)\.?\s?#?\d{1,6}[A-Za-z]?\b`, "giu");

// What may follow a street line inside one address. Sticky: tried at the current end only.
const SEP = String.raw`[ \t]*,?[ \t]*(?:\r?\n[ \t>?*\-]*)?[ \t]*,?[ \t]*`;
const TAIL_UNIT = new RegExp(String.raw`${SEP}${UNIT}\b`, "iyu");
const TAIL_MILITARY_POST = new RegExp(String.raw`${SEP}(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}\b`, "yu");
const TAIL_STATE_ZIP = new RegExp(String.raw`${SEP}(?:[A-Za-z]{2}|nan)\.?,?\s+\d{4,6}(?:-\d{4})?\b`, "yu");
const TAIL_ZIP = new RegExp(String.raw`${SEP}\d{4,6}(?:-\d{4})?\b(?![\-/:.]\d)`, "yu");
const TAIL_STATE = new RegExp(String.raw`${SEP}(?:[A-Z]{2}|nan)\b(?=[ \t]*(?:\r?\n|,|$|\s\d))`, "yu");
// A town (or country) of one to four capitalised words, ending at a line end, comma, state
// code or postcode — not a sentence going on.
const TAIL_PLACE = new RegExp(String.raw`${SEP}(?:\p{Lu}[\p{L}\p{M}'’.\-]*|\p{Ll}[\p{L}\p{M}'’.\-]*(?=[ \t]*(?:\r?\n|,)))(?:[ \t]+(?:\p{Lu}[\p{L}\p{M}'’.\-]*|de|del|la|le|di|da|do|upon|am|an|der|sur|\(\p{Lu}[\p{L}\p{M}]*\))){0,3}(?=[ \t]*(?:\r?\n|,|$|[ \t]+(?:[A-Z]{2}\b|\d{4,6}\b)))`, "yu");

function extend(text: string, end: number): number {
  let cur = end;
  const tails = [TAIL_UNIT, TAIL_MILITARY_POST, TAIL_STATE_ZIP, TAIL_ZIP, TAIL_STATE, TAIL_PLACE];
  for (let steps = 0; steps < 8; steps++) {
    let advanced = false;
    for (const re of tails) {
      re.lastIndex = cur;
      const m = re.exec(text);
      if (m && m[0].trim().length > 0) {
        const piece = m[0];
        // A blank line ends the block; so does a label ("Mobile:", "Email:") on the next line.
        if (/\n[ \t]*\n/.test(piece)) continue;
        const after = text.slice(cur + piece.length, cur + piece.length + 2);
        if (re === TAIL_PLACE && /^\s*:/.test(after)) continue;
        cur += piece.length;
        advanced = true;
        break;
      }
    }
    if (!advanced) break;
  }
  return cur;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s,;]/.test(text[e - 1])) e--;
  // "… Via Franscini 71." ends a sentence; "St." keeps its abbreviation point.
  if (text[e - 1] === "." && /\d/.test(text[e - 2] ?? "")) e--;
  return e;
}

/** Street addresses in `text`, each extended over the rest of its address block. */
export function findAddresses(text: string): AddressSpan[] {
  const found: AddressSpan[] = [];
  const add = (re: RegExp, kind: AddressSpan["kind"]) => {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = trimEnd(text, start, extend(text, start + m[0].length));
      found.push({ start, end, kind });
    }
  };
  add(MILITARY, "military");
  add(US_STREET, "street");
  add(US_STREET_AMBIGUOUS, "street");
  add(EURO_GLUED, "street");
  add(EURO_STANDALONE, "street");
  add(PREFIX_STREET, "street");
  add(UNIT_ALONE, "unit");
  // Keep the longest of overlapping matches (a unit inside a street line, two patterns on one street).
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: AddressSpan[] = [];
  for (const s of found) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) {
        last.end = s.end;
        if (last.kind === "unit") last.kind = s.kind;
      }
      continue;
    }
    out.push({ ...s });
  }
  return out;
}
