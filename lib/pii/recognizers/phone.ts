// PHONE_NUMBER: Presidio's PhoneRecognizer — python-phonenumbers' matcher run once per default
// region, score 0.4, same context words. libphonenumber-js (a port of the same Google library,
// with its full "max" metadata so VALID really checks number ranges) does the finding.
//
// Differences from Presidio, on purpose:
// - Presidio's default regions list "UK", which is not a region code to phonenumbers (GB is),
//   so UK numbers without +44 are never found; we use GB.
// - libphonenumber-js offers the POSSIBLE (0) and VALID (1, Presidio's default) leniencies
//   only, not STRICT_GROUPING (2) / EXACT_GROUPING (3).
import { Metadata } from "libphonenumber-js/core";
import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
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
// Running libphonenumber's matcher over a whole prompt costs ~5 µs per character per region;
// running it only over these runs (plus one character either side, which the matcher reads to
// reject numbers glued to letters) finds the same numbers at a fraction of the cost.
const RUN = /[+(]?\d[\d \t\u00a0().\-/]*/g;
const MIN_DIGITS = 5;
// Longest window handed to the matcher; a longer run (a table of numbers, adversarial input)
// is covered by overlapping windows so every number of up to WINDOW / 2 characters lies whole
// inside one of them.
const WINDOW = 64;

/** Fewest digits a national number of `region` can have (from the library's metadata). */
function minNationalDigits(region: CountryCode): number {
  const md = new Metadata(maxMetadata as ConstructorParameters<typeof Metadata>[0]);
  md.selectNumberingPlan(region);
  return Math.min(...(md.numberingPlan?.possibleLengths() ?? [MIN_DIGITS]));
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** [start, end) segments of `text` worth handing to the matcher. */
export function phoneSegments(text: string): [number, number][] {
  const runs: [number, number][] = [];
  RUN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUN.exec(text)) !== null) {
    let digits = 0;
    for (let i = 0; i < m[0].length && digits < MIN_DIGITS; i++) {
      const c = m[0].charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
    }
    if (digits < MIN_DIGITS) continue;
    // Every phone format has digit groups ("415", "0132", French "42 68 53"): runs of single
    // digits between separators ("1.1.1.1", version numbers) are skipped.
    if (!/\d\d/.test(m[0])) continue;
    const start = Math.max(0, m.index - 1);
    const end = Math.min(text.length, m.index + m[0].length + 1);
    const last = runs[runs.length - 1];
    // Runs a character or two apart ("(415)555-0132, 555-0133") share one call.
    if (last && start <= last[1] + 2 && end - last[0] <= WINDOW) last[1] = end;
    else runs.push([start, end]);
  }
  const out: [number, number][] = [];
  for (const [start, end] of runs) {
    if (end - start <= WINDOW) {
      out.push([start, end]);
      continue;
    }
    for (let s = start; s < end; s += WINDOW / 2) {
      out.push([s, Math.min(end, s + WINDOW)]);
      if (s + WINDOW >= end) break;
    }
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
  private readonly minDigits: readonly number[];

  constructor(opts: PhoneRecognizerOptions = {}) {
    this.regions = opts.regions ?? DEFAULT_PHONE_REGIONS;
    this.minDigits = this.regions.map(minNationalDigits);
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
    for (const [segStart, segEnd] of phoneSegments(text)) {
      const segment = text.slice(segStart, segEnd);
      const digits = digitCount(segment);
      // Written with "+", a number carries its own country, so one region parses it like any
      // other — when the segment can hold only that one number (E.164: at most 15 digits).
      const international = segment.includes("+") && digits <= 15;
      for (let r = 0; r < this.regions.length; r++) {
        const region = this.regions[r];
        if (international && r > 0) break;
        // Too few digits for any national number of this region (a 5-digit ZIP code is not a
        // US number): skip the matcher call, the costly part.
        if (!international && digits < this.minDigits[r]) continue;
        // The typings omit `leniency`, which the matcher accepts (POSSIBLE | VALID).
        const options = { defaultCountry: region, leniency: this.leniency } as { defaultCountry: CountryCode };
        for (const found of findPhoneNumbersInText(segment, options)) {
          const start = segStart + found.startsAt;
          const end = segStart + found.endsAt;
          const key = `${start}:${end}`;
          if (seen.has(key)) continue;
          seen.add(key);
          results.push({ entityType: "PHONE_NUMBER", start, end, score: PhoneRecognizer.SCORE, recognizer: this.name });
        }
      }
    }
    return removeDuplicates(results);
  }
}

export function phoneRecognizer(opts?: PhoneRecognizerOptions): PhoneRecognizer {
  return new PhoneRecognizer(opts);
}
