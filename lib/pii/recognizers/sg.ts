// Singapore: Presidio's SgFinRecognizer (NRIC/FIN) and SgUenRecognizer (three UEN formats with
// their check characters).
import { PatternRecognizer } from "../pattern-recognizer";

export function sgFinRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "SgFinRecognizer",
    entity: "SG_NRIC_FIN",
    patterns: [
      { name: "Nric (weak)", regex: "\\b[A-Z][0-9]{7}[A-Z]\\b", score: 0.3 },
      { name: "Nric (medium)", regex: "\\b[STFGM][0-9]{7}[A-Z]\\b", score: 0.5 },
    ],
    context: ["fin", "fin#", "nric", "nric#"],
    prefilter: /\d{7}/,
  });
}

const FORMAT_A_WEIGHT = [10, 4, 9, 3, 8, 2, 7, 1];
const FORMAT_A_ALPHABET = "XMKECAWLJDB";
const FORMAT_B_WEIGHT = [10, 8, 6, 4, 9, 7, 5, 3, 1];
const FORMAT_B_ALPHABET = "ZKCMDNERGWH";
const FORMAT_C_WEIGHT = [4, 3, 5, 3, 10, 2, 2, 5, 7];
const FORMAT_C_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWX0123456789";
const FORMAT_C_ENTITY_TYPES = new Set(
  "LP LL FC PF RF MQ MM NB CC CS MB FM GS DP CP NR CM CD MD HS VH CH MH CL XL CX HC RP TU TC FB FN PA PB SS MC SM GA GB".split(" "),
);

/** `currentYear` is a parameter so tests stay deterministic; format B rejects future years. */
export function validateSgUen(match: string, currentYear = new Date().getFullYear()): boolean {
  const uen = match.toUpperCase();
  const check = uen[uen.length - 1];
  if (uen.length === 9) {
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (uen.charCodeAt(i) - 48) * FORMAT_A_WEIGHT[i];
    return FORMAT_A_ALPHABET[sum % 11] === check;
  }
  if (uen.length === 10 && /[A-Z]/.test(uen[0])) {
    if (!"TSR".includes(uen[0]) || !FORMAT_C_ENTITY_TYPES.has(uen.slice(3, 5))) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += FORMAT_C_ALPHABET.indexOf(uen[i]) * FORMAT_C_WEIGHT[i];
    return FORMAT_C_ALPHABET[(((sum - 5) % 11) + 11) % 11] === check;
  }
  if (uen.length === 10) {
    if (Number(uen.slice(0, 4)) > currentYear) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (uen.charCodeAt(i) - 48) * FORMAT_B_WEIGHT[i];
    return FORMAT_B_ALPHABET[sum % 11] === check;
  }
  return false;
}

export function sgUenRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "SgUenRecognizer",
    entity: "SG_UEN",
    patterns: [{ name: "UEN (low)", regex: "\\b\\d{8}[A-Z]\\b|\\b\\d{9}[A-Z]\\b|\\b[TSR]\\d{2}[A-Z]{2}\\d{4}[A-Z]\\b", score: 0.3 }],
    context: ["uen", "unique entity number", "business registration", "ACRA"],
    validate: (m) => validateSgUen(m),
    prefilter: /\d{4}/,
  });
}
