// United Kingdom: Presidio's NhsRecognizer (mod-11 check digit) and UkNinoRecognizer.
import { PatternRecognizer } from "../pattern-recognizer";
import { strip } from "./checksums";

/** NHS number: Σ digit × (10..1) ≡ 0 (mod 11), as Presidio computes it. */
export function validateNhs(match: string): boolean {
  const d = strip(match, "- ");
  if (!/^\d{10}$/.test(d)) return false;
  let total = 0;
  for (let i = 0; i < 10; i++) total += (d.charCodeAt(i) - 48) * (10 - i);
  return total % 11 === 0;
}

export function ukNhsRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "NhsRecognizer",
    entity: "UK_NHS",
    patterns: [{ name: "NHS (medium)", regex: "\\b[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{4}\\b", score: 0.5 }],
    context: ["national health service", "nhs", "health services authority", "health authority"],
    validate: validateNhs,
    prefilter: /\d{3}/,
  });
}

export function ukNinoRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UkNinoRecognizer",
    entity: "UK_NINO",
    patterns: [
      {
        name: "NINO (medium)",
        regex:
          "\\b(?!bg|gb|nk|kn|nt|tn|zz) ?[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[a-d]\\b",
        score: 0.5,
      },
    ],
    context: ["national insurance", "ni number", "nino"],
    prefilter: /\d{2}/,
  });
}
