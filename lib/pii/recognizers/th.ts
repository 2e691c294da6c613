// Thailand: Presidio's ThTninRecognizer (13 digits, province digits, mod-11 check digit).
import { PatternRecognizer } from "../pattern-recognizer";
import { weightedSum } from "./checksums";

export function validateThTnin(match: string): boolean {
  if (!/^\d{13}$/.test(match)) return false;
  const x = weightedSum(match, [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
  return (x <= 1 ? 1 - x : 11 - x) === match.charCodeAt(12) - 48;
}

export function thTninRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ThTninRecognizer",
    entity: "TH_TNIN",
    patterns: [
      // Province digits (N2N3) exclude the unassigned 28, 29, 59, 68, 69, 78, 79, 87, 88, 89, 97–99.
      { name: "TNIN (Medium)", regex: "\\b[1-9](?!28|29|59|68|69|78|79|87|88|89|97|98|99)[1-9]\\d{11}\\b", score: 0.4 },
    ],
    context: ["Thai National ID", "Thai ID Number", "TNIN", "เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "รหัสปชช"],
    validate: validateThTnin,
    prefilter: /\d{13}/,
  });
}
