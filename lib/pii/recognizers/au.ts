// Australia: Presidio's AuAbnRecognizer (mod 89), AuAcnRecognizer (mod 10), AuTfnRecognizer
// (mod 11) and AuMedicareRecognizer (mod 10).
import { PatternRecognizer } from "../pattern-recognizer";
import { strip, weightedSum } from "./checksums";

export function validateAbn(match: string): boolean {
  const d = strip(match, "- ");
  // The two leading check digits of an ABN range over 10–99: it never starts with 0.
  if (!/^[1-9]\d{10}$/.test(d)) return false;
  const first = d.charCodeAt(0) - 48;
  const adjusted = String(first === 0 ? 9 : first - 1) + d.slice(1);
  return weightedSum(adjusted, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) % 89 === 0;
}

export function validateAcn(match: string): boolean {
  const d = strip(match, "- ");
  if (!/^\d{9}$/.test(d)) return false;
  const remainder = weightedSum(d, [8, 7, 6, 5, 4, 3, 2, 1]) % 10;
  return (10 - remainder) % 10 === d.charCodeAt(8) - 48;
}

export function validateTfn(match: string): boolean {
  const d = strip(match, "- ");
  if (!/^\d{9}$/.test(d)) return false;
  return weightedSum(d, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0;
}

export function validateMedicare(match: string): boolean {
  const d = strip(match, "- ");
  if (!/^\d{10}$/.test(d)) return false;
  return weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9]) % 10 === d.charCodeAt(8) - 48;
}

export function auAbnRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "AuAbnRecognizer",
    entity: "AU_ABN",
    patterns: [
      { name: "ABN (Medium)", regex: "\\b\\d{2}\\s\\d{3}\\s\\d{3}\\s\\d{3}\\b", score: 0.1 },
      { name: "ABN (Low)", regex: "\\b\\d{11}\\b", score: 0.01 },
    ],
    context: ["australian business number", "abn"],
    validate: validateAbn,
    prefilter: /\d{2}/,
  });
}

export function auAcnRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "AuAcnRecognizer",
    entity: "AU_ACN",
    patterns: [
      { name: "ACN (Medium)", regex: "\\b\\d{3}\\s\\d{3}\\s\\d{3}\\b", score: 0.1 },
      { name: "ACN (Low)", regex: "\\b\\d{9}\\b", score: 0.01 },
    ],
    context: ["australian company number", "acn"],
    validate: validateAcn,
    prefilter: /\d{3}/,
  });
}

export function auTfnRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "AuTfnRecognizer",
    entity: "AU_TFN",
    patterns: [
      { name: "TFN (Medium)", regex: "\\b\\d{3}\\s\\d{3}\\s\\d{3}\\b", score: 0.1 },
      { name: "TFN (Low)", regex: "\\b\\d{9}\\b", score: 0.01 },
    ],
    context: ["tax file number", "tfn"],
    validate: validateTfn,
    prefilter: /\d{3}/,
  });
}

export function auMedicareRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "AuMedicareRecognizer",
    entity: "AU_MEDICARE",
    patterns: [
      { name: "Australian Medicare Number (Medium)", regex: "\\b[2-6]\\d{3}\\s\\d{5}\\s\\d\\b", score: 0.1 },
      { name: "Australian Medicare Number (Low)", regex: "\\b[2-6]\\d{9}\\b", score: 0.01 },
    ],
    context: ["medicare"],
    validate: validateMedicare,
    prefilter: /\d{4}/,
  });
}
