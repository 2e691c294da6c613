// Spain: Presidio's EsNifRecognizer and EsNieRecognizer (mod-23 control letter).
import { PatternRecognizer } from "../pattern-recognizer";
import { strip } from "./checksums";

const LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

export function validateNif(match: string): boolean {
  const s = strip(match, "- ").toUpperCase();
  const digits = s.replace(/\D/g, "");
  if (digits.length === 0) return false;
  return s[s.length - 1] === LETTERS[Number(digits) % 23];
}

export function validateNie(match: string): boolean {
  const s = strip(match, "- ").toUpperCase();
  if (s.length < 8 || s.length > 9 || !"XYZ".includes(s[0])) return false;
  const body = s.slice(1, -1);
  if (!/^\d+$/.test(body)) return false;
  return s[s.length - 1] === LETTERS[Number(String("XYZ".indexOf(s[0])) + body) % 23];
}

export function esNifRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "EsNifRecognizer",
    entity: "ES_NIF",
    patterns: [{ name: "NIF", regex: "\\b[0-9]?[0-9]{7}-?[A-Z]\\b", score: 0.5 }],
    context: ["documento nacional de identidad", "DNI", "NIF", "identificación"],
    validate: validateNif,
    prefilter: /\d{7}/,
  });
}

export function esNieRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "EsNieRecognizer",
    entity: "ES_NIE",
    patterns: [{ name: "NIE", regex: "\\b[X-Z]?[0-9]?[0-9]{7}-?[A-Z]\\b", score: 0.5 }],
    context: ["número de identificación de extranjero", "NIE"],
    validate: validateNie,
    prefilter: /\d{7}/,
  });
}
