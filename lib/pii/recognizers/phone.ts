// PHONE_NUMBER: Presidio's PhoneRecognizer — python-phonenumbers' matcher run once per default
// region, score 0.4, same context words. libphonenumber-js (a port of the same Google library,
// with its full "max" metadata so VALID really checks number ranges) does the finding.
//
// Differences from Presidio, on purpose:
// - Presidio's default regions list "UK", which is not a region code to phonenumbers (GB is),
//   so UK numbers without +44 are never found; we use GB.
// - libphonenumber-js offers the POSSIBLE (0) and VALID (1, Presidio's default) leniencies
//   only, not STRICT_GROUPING (2) / EXACT_GROUPING (3).
// - Speed: the matcher costs ~15 µs per call, so it is never run over the prompt. One linear
//   regex finds candidate digit runs; a run is handed to the matcher (a window of the run plus
//   one character either side) only for the regions whose national number lengths fit its
//   digit count, and no further region is tried once a match covers the whole run.
// - Precision: fewer than 7 digits (postcodes, house numbers, years), dates (2024-01-31), a
//   solid run of more than 12 digits without "+" (card and account numbers), and numbers right
//   after a cue for another identifier ("license number is …", "card …", "zip …") with no phone
//   cue are not reported.
// - Recall: extensions ("555-0132x459", "ext. 12") are part of the number (libphonenumber-js's
//   matcher does not read "x"); a number written with "+" and a country code that has a
//   possible length for that country but is not in an allocated range (fictional +44 7700 …
//   numbers, Swiss "+41 (0)96 …") is still reported: the "+" says it is a phone number.
import { Metadata } from "libphonenumber-js/core";
import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import maxMetadata from "libphonenumber-js/metadata.max.json";
import { removeDuplicates } from "../pattern-recognizer";
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "../types";

export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ["US", "GB", "DE", "FR", "IL", "IN", "CA", "BR"];

export interface PhoneRecognizerOptions {
  regions?: readonly CountryCode[];
  /** 0 = POSSIBLE, 1 = VALID (Presidio's default). */
  leniency?: 0 | 1;
  context?: readonly string[];
}

// Runs of digits and the separators phone numbers use, starting at a digit, "+" or "(".
const RUN = /[+(]?\d[\d \t\u00a0().\-/]*/g;
// An extension right after a run: "x459", "ext. 12", "extension 7".
const EXT = /(?:x|ext\.?|extension)[ \t]?\d{1,6}(?![\p{L}\p{N}])/iuy;
/** Fewest digits reported as a phone number (a 5-digit postcode, a house number are not). */
export const MIN_PHONE_DIGITS = 7;
// A run without "+" or separators longer than this is a card or account number.
const MAX_SOLID_DIGITS = 12;
// Longest window handed to the matcher; a longer run (a table of numbers, adversarial input)
// is covered by overlapping windows so every number of up to WINDOW / 2 characters lies whole
// inside one of them.
const WINDOW = 64;
// A date, alone or followed by a time ("2000-04-16 11:34:35"), and a dotted IPv4 address.
const DATE = /^(?:\d{4}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.]\d{4})(?![\d\-/.])/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// Cues for another identifier just before a number (same line, a few words), unless a phone cue
// is there too: "my driver's license number is 6940579", "card 2131 7682 8496 175".
const OTHER_ID_CUE =
  /\b(?:licen[cs]e|passport|ssn|social security|card|cc|credit|debit|account|acct|iban|swift|bic|routing|zip|postal|postcode|box|apt|apartment|suite|unit|floor|room|invoice|order|serial|isbn|vin)\b[^\n]{0,24}$/i;
// A street after the number, on the same line: "17151 2450 Crown St", "3747 3911 fourth avenue".
const STREET_AFTER =
  /^[ \t]+(?:\p{Lu}[\p{L}'-]*(?![\p{L}'-])(?<!\b(?:Office|Fax|Mobile|Home|Work|Tel|Phone|Cell|Ext|Or|And))|[^\n]{0,30}\b(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|close|court|ct|square|sq|place|pl|way|boulevard|blvd|rue|str|straße|strasse|suite|apt)\b)/u;
const PHONE_CUE = /\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|call|whatsapp|sms|text|contact|dial)\b/i;

interface LengthRange {
  min: number;
  max: number;
}

/** Shortest and longest national number of `region`, widened for a trunk prefix ("0", "1"). */
function nationalLengths(region: CountryCode): LengthRange {
  const md = new Metadata(maxMetadata as ConstructorParameters<typeof Metadata>[0]);
  md.selectNumberingPlan(region);
  const lengths = md.numberingPlan?.possibleLengths() ?? [MIN_PHONE_DIGITS, 15];
  // A national prefix ("0", BR's "0" + carrier code) or a written country code ("1 415 …",
  // "44 20 …") adds up to 3 digits.
  return { min: Math.min(...lengths), max: Math.max(...lengths) + 3 };
}

function digitCount(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface Candidate {
  /** First and one-past-last character of the run (trailing separators trimmed). */
  start: number;
  end: number;
  /** End of the extension after the run, or `end`. */
  extEnd: number;
  digits: number;
}

/** Candidate runs of `text` worth handing to the matcher. */
export function phoneCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  RUN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUN.exec(text)) !== null) {
    const start = m.index;
    let end = start + m[0].length;
    while (end > start && !isDigit(text.charCodeAt(end - 1)) && text[end - 1] !== ")") end--;
    const digits = digitCount(text, start, end);
    if (digits < MIN_PHONE_DIGITS) continue;
    const run = text.slice(start, end);
    // Every phone format has digit groups ("415", "0132", French "42 68 53"): runs of single
    // digits between separators ("1.1.1.1", version numbers) are skipped.
    if (!/\d\d/.test(run)) continue;
    if (DATE.test(run) || IPV4.test(run)) continue;
    if (digits > MAX_SOLID_DIGITS && /^\d+$/.test(run)) continue;
    EXT.lastIndex = start + m[0].length;
    const ext = EXT.exec(text);
    out.push({ start, end, extEnd: ext ? EXT.lastIndex : end, digits });
  }
  return out;
}

export class PhoneRecognizer implements Recognizer {
  readonly name = "PhoneRecognizer";
  readonly supportedEntities = ["PHONE_NUMBER"] as const;
  readonly context: readonly string[];
  static readonly SCORE = 0.4;
  private readonly regions: readonly CountryCode[];
  private readonly leniency: "POSSIBLE" | "VALID";
  private readonly lengths: readonly LengthRange[];
  private readonly maxLength: number;

  constructor(opts: PhoneRecognizerOptions = {}) {
    // US and CA share +1 and one numbering plan: the matcher finds the same numbers with
    // either, so CA is not run again when US is.
    const regions = opts.regions ?? DEFAULT_PHONE_REGIONS;
    this.regions = regions.filter((r) => !(r === "CA" && regions.includes("US")));
    this.lengths = this.regions.map(nationalLengths);
    this.maxLength = Math.max(...this.lengths.map((l) => l.max));
    this.leniency = opts.leniency === 0 ? "POSSIBLE" : "VALID";
    this.context = opts.context ?? ["phone", "number", "telephone", "cell", "cellphone", "mobile", "call"];
  }

  analyze(req: AnalyzeRequest): RecognizerResult[] {
    if (!req.entities.has("PHONE_NUMBER")) return [];
    return this.analyzeText(req.text);
  }

  analyzeText(text: string): RecognizerResult[] {
    const results: RecognizerResult[] = [];
    const seen = new Set<string>();
    const add = (start: number, end: number) => {
      const key = `${start}:${end}`;
      if (seen.has(key) || !this.plausible(text, start, end)) return;
      seen.add(key);
      results.push({ entityType: "PHONE_NUMBER", start, end, score: PhoneRecognizer.SCORE, recognizer: this.name });
    };
    for (const c of phoneCandidates(text)) {
      if (c.digits > this.maxLength || c.end - c.start > WINDOW) {
        // Several numbers in one run ("0490 75 40 81 0494 92 82 32", a table): every region
        // over overlapping windows.
        for (let s = c.start; s < c.end; s += WINDOW / 2) {
          const e = Math.min(c.end, s + WINDOW);
          this.match(text, s, e, c.end, c.extEnd, -1, add);
          if (e >= c.end) break;
        }
        continue;
      }
      const international = text.charCodeAt(c.start) === 43; // "+"
      if (international) {
        // Written with "+", a number carries its own country: one region parses it like any other.
        if (this.match(text, c.start, c.end, c.end, c.extEnd, 0, add) === 0) {
          const p = parsePhoneNumberFromString(text.slice(c.start, c.end));
          if (p?.isPossible()) add(c.start, c.extEnd);
        }
        continue;
      }
      for (let r = 0; r < this.regions.length; r++) {
        const len = this.lengths[r];
        if (c.digits < len.min || c.digits > len.max) continue;
        if (this.match(text, c.start, c.end, c.end, c.extEnd, r, add) === 2) break;
      }
    }
    return removeDuplicates(results);
  }

  /**
   * Runs the matcher over text[start, end) (plus one character either side, which it reads to
   * reject numbers glued to letters) for region `r` (every region when r = -1). Returns 0 when
   * nothing was found, 1 when something was, 2 when a match covers the whole run.
   */
  private match(
    text: string,
    start: number,
    end: number,
    runEnd: number,
    extEnd: number,
    r: number,
    add: (start: number, end: number) => void,
  ): 0 | 1 | 2 {
    const segStart = Math.max(0, start - 1);
    // An extension follows: the matcher would reject the number glued to "x", so it sees a space.
    const after = end === runEnd && extEnd > runEnd ? " " : text.slice(end, end + 1);
    const segment = text.slice(segStart, end) + after;
    let outcome: 0 | 1 | 2 = 0;
    for (const region of r < 0 ? this.regions : [this.regions[r]]) {
      // The typings omit `leniency`, which the matcher accepts (POSSIBLE | VALID).
      const options = { defaultCountry: region, leniency: this.leniency } as { defaultCountry: CountryCode };
      for (const found of findPhoneNumbersInText(segment, options)) {
        const s = segStart + found.startsAt;
        let e = segStart + found.endsAt;
        if (e === runEnd) e = extEnd;
        add(s, e);
        if (outcome === 0) outcome = 1;
        if (s <= start && e >= runEnd) outcome = 2;
      }
    }
    return outcome;
  }

  /** Drops numbers that another identifier's cue introduces (see the header). */
  private plausible(text: string, start: number, end: number): boolean {
    if (digitCount(text, start, end) < MIN_PHONE_DIGITS) return false;
    const before = text.slice(Math.max(0, start - 48), start);
    const line = before.slice(before.lastIndexOf("\n") + 1);
    if (PHONE_CUE.test(line)) return true;
    if (OTHER_ID_CUE.test(line)) return false;
    // A house number (and postcode) before a street name; a "+" or "(" says phone regardless.
    const first = text.charCodeAt(start);
    return first === 43 || first === 40 || !STREET_AFTER.test(text.slice(end, end + 48));
  }
}

export function phoneRecognizer(opts?: PhoneRecognizerOptions): PhoneRecognizer {
  return new PhoneRecognizer(opts);
}
