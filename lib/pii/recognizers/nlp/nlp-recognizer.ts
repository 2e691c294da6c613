// PERSON, LOCATION, NRP, DATE_TIME and ORGANIZATION without a neural model: the work spaCy's
// en_core_web_lg does in Presidio, done here by rules over compromise's English lexicon, the
// sentence encoder's vocabulary and GeoNames' towns (see lexicon.ts), plus street-address
// grammar. ~0.05 ms for a short prompt, against ~2 ms for compromise's own tagger and ~7 ms for
// Presidio with spaCy (docs/benchmarks.md, "PII accuracy").
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "../../types";
import { findAddresses } from "./address";
import { findDates } from "./date-rules";
import { getLexicon } from "./lexicon";
import { findNrp } from "./nrp-rules";
import { findFirmNames, findLowercaseNames, findPeople } from "./person-rules";
import { findCuedPlaces, findGazetteerPlaces } from "./place-rules";
import { Claims, type Found } from "./spans";
import { tokenize } from "./tokenize";

export const NLP_ENTITIES = ["PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION"] as const;

const ADDRESS_SCORES = { street: 0.7, military: 0.8, unit: 0.5 } as const;

export interface NlpRecognizerOptions {
  /** Entity types this instance may report (default: all of NLP_ENTITIES). */
  entities?: readonly string[];
  /** Recognizer name in results (default "NlpRecognizer"). */
  name?: string;
}

/** Every span the rules find, with the rule that found it (for the benchmark's error analysis). */
export function findNlpEntities(text: string): Found[] {
  const lex = getLexicon();
  const claims = new Claims();
  for (const a of findAddresses(text)) {
    claims.add({ entityType: "LOCATION", start: a.start, end: a.end, score: ADDRESS_SCORES[a.kind], rule: `address.${a.kind}` });
  }
  const tokens = tokenize(text);
  findDates(tokens, lex, claims);
  // Firms before places: "Davis, Reynolds and Williamson" is not the town of Davis.
  findFirmNames(text, lex, claims);
  findNrp(tokens, lex, claims);
  findGazetteerPlaces(tokens, lex, claims);
  findCuedPlaces(tokens, lex, claims);
  findLowercaseNames(tokens, lex, claims);
  findPeople(tokens, lex, claims);
  return claims.found;
}

export function createNlpRecognizer(options: NlpRecognizerOptions = {}): Recognizer {
  const supported = options.entities ?? NLP_ENTITIES;
  const name = options.name ?? "NlpRecognizer";
  return {
    name,
    supportedEntities: supported,
    analyze({ text, entities }: AnalyzeRequest): RecognizerResult[] {
      if (!supported.some((e) => entities.has(e))) return [];
      const out: RecognizerResult[] = [];
      for (const f of findNlpEntities(text)) {
        if (entities.has(f.entityType) && supported.includes(f.entityType)) {
          out.push({ entityType: f.entityType, start: f.start, end: f.end, score: f.score, recognizer: name });
        }
      }
      return out;
    },
  };
}

/** Builds the lexicon now (~150 ms) instead of on the first request; reports what it loaded. */
export function warmUpNlp(): { townsLoaded: boolean; townCount: number } {
  const lex = getLexicon();
  return { townsLoaded: lex.townsLoaded, townCount: lex.townCount };
}
