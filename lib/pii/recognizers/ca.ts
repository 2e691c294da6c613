// Canada: Presidio's CaSinRecognizer (social insurance number, Luhn, never starting 0 or 8).
import { PatternRecognizer } from "../pattern-recognizer";
import { digitsOf, luhn } from "./checksums";

export function caSinRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "CaSinRecognizer",
    entity: "CA_SIN",
    patterns: [
      { name: "SIN (weak)", regex: "\\b[1-79]\\d{8}\\b", score: 0.05 },
      { name: "SIN (medium)", regex: "\\b[1-79]\\d{2}([- ])\\d{3}\\1\\d{3}\\b", score: 0.5 },
    ],
    context: ["sin", "sin number", "social insurance", "social insurance number", "canada", "nas", "numéro nas", "numéro d'assurance sociale", "assurance sociale"],
    invalidate: (m) => !luhn(digitsOf(m)),
    prefilter: /\d{3}/,
  });
}
