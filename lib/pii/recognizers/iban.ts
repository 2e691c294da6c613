// IBAN_CODE: Presidio's IbanRecognizer — its pattern (country, check digits, 4-char groups
// with optional " " or "-"), score 0.5, and its fallback: when the whole match fails
// validation, retry without the trailing groups ("DE89 3704 0044 0532 0130 00 2 days").
// Validation (mod-97 check digits and the country's BBAN format) is ibantools' isValidIBAN.
//
// Difference from Presidio, on purpose: an IBAN typed all in lower case ("my iban is
// gb42nawi…") is found too (Presidio's pattern is upper case only); the check digits and BBAN
// format keep that as precise as the upper-case form. Mixed case ("Gb42NaWi…") is not an IBAN.
import { electronicFormatIBAN, isValidIBAN } from "ibantools";
import { PatternRecognizer } from "../pattern-recognizer";

export function validateIban(match: string): boolean {
  if (match !== match.toUpperCase() && match !== match.toLowerCase()) return false;
  const electronic = electronicFormatIBAN(match.replace(/[- ]/g, ""));
  return electronic !== null && isValidIBAN(electronic);
}

export function ibanRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "IbanRecognizer",
    entity: "IBAN_CODE",
    patterns: [
      {
        name: "IBAN Generic",
        regex: "(?<![A-Z0-9])([A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]{4}){2,6})((?:[ -]?[A-Z0-9]{4})?)((?:[ -]?[A-Z0-9]{1,3})?)(?![A-Z0-9])",
        score: 0.5,
      },
    ],
    context: ["iban", "bank", "transaction"],
    // Presidio compiles this one without IGNORECASE; we match either case (validateIban
    // accepts all-upper or all-lower only).
    flags: "msi",
    validate: validateIban,
    prefilter: /[A-Z]{2}\d{2}/i,
    candidateEnds: (m) => {
      const start = m.index;
      const g1 = m[1]?.length ?? 0;
      const g2 = m[2]?.length ?? 0;
      const g3 = m[3]?.length ?? 0;
      return Array.from(new Set([start + g1 + g2 + g3, start + g1 + g2, start + g1]));
    },
  });
}
