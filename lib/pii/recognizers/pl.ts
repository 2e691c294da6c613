// Poland: Presidio's PlPeselRecognizer (date-shaped digits, weighted check digit).
import { PatternRecognizer } from "../pattern-recognizer";
import { weightedSum } from "./checksums";

export function validatePesel(match: string): boolean {
  if (!/^\d{11}$/.test(match)) return false;
  const sum = weightedSum(match, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
  return (10 - (sum % 10)) % 10 === match.charCodeAt(10) - 48;
}

export function plPeselRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "PlPeselRecognizer",
    entity: "PL_PESEL",
    patterns: [{ name: "PESEL", regex: "[0-9]{2}(?:[02468][1-9]|[13579][012])(?:0[1-9]|1[0-9]|2[0-9]|3[01])[0-9]{5}", score: 0.4 }],
    context: ["PESEL"],
    validate: validatePesel,
    prefilter: /\d{11}/,
  });
}
