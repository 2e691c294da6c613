// Korea: Presidio's KrRrnRecognizer (resident registration number; the check digit only
// exists before October 2020, so a failed check keeps the pattern score).
import { PatternRecognizer } from "../pattern-recognizer";
import { weightedSum } from "./checksums";

export function validateKrRrn(match: string): boolean | undefined {
  const d = match.replace(/-/g, "");
  if (!/^\d{13}$/.test(d)) return false;
  const region = Number(d.slice(7, 9));
  const check = (11 - (weightedSum(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11)) % 10;
  return region <= 95 && check === d.charCodeAt(12) - 48 ? true : undefined;
}

export function krRrnRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "KrRrnRecognizer",
    entity: "KR_RRN",
    patterns: [{ name: "RRN (Medium)", regex: "(?<!\\d)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])-?[1-4]\\d{6}(?!\\d)", score: 0.5 }],
    context: ["Korean RRN", "Korean Resident Registration Number", "Resident Registration Number", "RRN", "rrn", "rrn#"],
    validate: validateKrRrn,
    prefilter: /\d{6}/,
  });
}
