// PHONE_NUMBER: Presidio's PhoneRecognizer — python-phonenumbers' matcher run once per default
// region, score 0.4, same context words. libphonenumber-js (a port of the same Google library,
// with its full "max" metadata so VALID really checks number ranges) does the finding.
//
// Differences from Presidio, on purpose:
// - Presidio's default regions list "UK", which is not a region code to phonenumbers (GB is),
//   so UK numbers without +44 are never found; we use GB.
// - libphonenumber-js offers the POSSIBLE (0) and VALID (1, Presidio's default) leniencies
//   only, not STRICT_GROUPING (2) / EXACT_GROUPING (3).
import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
import { removeDuplicates } from "../pattern-recognizer";
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "../types";

export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ["US", "GB", "DE", "FR", "IL", "IN", "CA", "BR"];

export interface PhoneRecognizerOptions {
  regions?: readonly CountryCode[];
  /** 0 = POSSIBLE, 1 = VALID (Presidio's default). */
  leniency?: 0 | 1;
  context?: readonly string[];
}

// A phone number has at least 5 digits close together; most prose has none, and then the
// (comparatively costly) matcher is not run at all.
const CANDIDATE = /\d(?:[\s().\-/]{0,3}\d){4}/;

export class PhoneRecognizer implements Recognizer {
  readonly name = "PhoneRecognizer";
  readonly supportedEntities = ["PHONE_NUMBER"] as const;
  readonly context: readonly string[];
  static readonly SCORE = 0.4;
  private readonly regions: readonly CountryCode[];
  private readonly leniency: "POSSIBLE" | "VALID";

  constructor(opts: PhoneRecognizerOptions = {}) {
    this.regions = opts.regions ?? DEFAULT_PHONE_REGIONS;
    this.leniency = opts.leniency === 0 ? "POSSIBLE" : "VALID";
    this.context = opts.context ?? ["phone", "number", "telephone", "cell", "cellphone", "mobile", "call"];
  }

  analyze(req: AnalyzeRequest): RecognizerResult[] {
    if (!req.entities.has("PHONE_NUMBER")) return [];
    return this.analyzeText(req.text);
  }

  analyzeText(text: string): RecognizerResult[] {
    if (!CANDIDATE.test(text)) return [];
    const results: RecognizerResult[] = [];
    const seen = new Set<string>();
    for (const region of this.regions) {
      // The typings omit `leniency`, which the matcher accepts (POSSIBLE | VALID).
      const options = { defaultCountry: region, leniency: this.leniency } as { defaultCountry: CountryCode };
      for (const found of findPhoneNumbersInText(text, options)) {
        const key = `${found.startsAt}:${found.endsAt}`;
        if (seen.has(key)) continue;
        seen.add(key);
        results.push({ entityType: "PHONE_NUMBER", start: found.startsAt, end: found.endsAt, score: PhoneRecognizer.SCORE, recognizer: this.name });
      }
    }
    return removeDuplicates(results);
  }
}

export function phoneRecognizer(opts?: PhoneRecognizerOptions): PhoneRecognizer {
  return new PhoneRecognizer(opts);
}
