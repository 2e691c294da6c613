// India: Presidio's InPanRecognizer, InAadhaarRecognizer (Verhoeff, not a palindrome),
// InVehicleRegistrationRecognizer (state + RTO district tables), InVoterRecognizer and
// InPassportRecognizer.
import { PatternRecognizer } from "../pattern-recognizer";
import { strip, verhoeff } from "./checksums";

export function inPanRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "InPanRecognizer",
    entity: "IN_PAN",
    patterns: [
      { name: "PAN (High)", regex: "\\b[A-Za-z]{3}[AaBbCcFfGgHhJjLlPpTt][A-Za-z][0-9]{4}[A-Za-z]\\b", score: 0.5 },
      { name: "PAN (Medium)", regex: "\\b[A-Za-z]{5}[0-9]{4}[A-Za-z]\\b", score: 0.1 },
      // Presidio's "(?=.*?[a-zA-Z])(?=.*?[0-9]{4})" look-aheads scan to the end of the text
      // (DOTALL) from every word start: quadratic on long texts. Bounding them to the 10
      // characters being matched keeps the intent (a letter and 4 digits within the token).
      { name: "PAN (Low)", regex: "\\b(?=[\\w@#$%^?~-]{0,9}[a-zA-Z])(?=[\\w@#$%^?~-]{0,6}[0-9]{4})[\\w@#$%^?~-]{10}\\b", score: 0.01 },
    ],
    context: ["permanent account number", "pan"],
    prefilter: /\d{4}/,
  });
}

export function validateAadhaar(match: string): boolean {
  const d = strip(match, "- :");
  return /^[2-9]\d{11}$/.test(d) && verhoeff(d) && d !== Array.from(d).reverse().join("");
}

export function inAadhaarRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "InAadhaarRecognizer",
    entity: "IN_AADHAAR",
    patterns: [
      { name: "AADHAAR (Very Weak)", regex: "\\b[0-9]{12}\\b", score: 0.01 },
      { name: "AADHAR (Very Weak)", regex: "\\b[0-9]{4}[- :][0-9]{4}[- :][0-9]{4}\\b", score: 0.01 },
    ],
    context: ["aadhaar", "uidai"],
    validate: validateAadhaar,
    prefilter: /\d{4}/,
  });
}

function range(spec: string): Set<string> {
  const out = new Set<string>();
  for (const part of spec.split(",")) {
    const [a, b] = part.split("-");
    const width = a.length;
    for (let n = Number(a); n <= Number(b ?? a); n++) out.add(String(n).padStart(width, "0"));
  }
  return out;
}

// RTO district codes per state / union territory (Presidio's tables, written as ranges; DL and
// GJ plates are written both "DL1…" and "DL01…").
const DISTRICTS: Record<string, Set<string>> = {
  AN: range("01"), AP: range("39-40"), AR: range("01-17,19-20,22"), AS: range("01-20,22-34"),
  BR: range("01-11,19,21-22,24-34,37-39,43-46,50-53,55-56"), CG: range("01-30"), CH: range("01-04"),
  DD: range("01-03"), DN: range("09"), DL: range("1-13,01-13"), GA: range("01-12"), GJ: range("1-39,01-39"),
  HP: range("01-20,22-99"), HR: range("01-20,22-99"), JH: range("01-20,22-24"), JK: range("01-20,22"),
  KA: range("01-20,22-71"), KL: range("01-20,22-99"), LA: range("01-02"), LD: range("01-09"),
  MH: range("01-20,22-51"), ML: range("01-10"), MN: range("01-07"), MP: range("01-20,22-71"), MZ: range("01-08"),
  NL: range("01-10"), OD: range("01-20,22-35"), OR: range("01-20,22-31"), PB: range("01-20,22-99"),
  PY: range("01-05"), RJ: range("01-20,22-58"), SK: range("01-08"), TN: range("01-20,22-99"), TR: range("01-08"),
  TS: range("01-20,22-38"), UK: range("01-20"), UP: range("11-20,22-96"), WB: range("01-20,22-98"),
};
const PREFIXES = new Set(
  ("AN CH DH DL JK LA LD PY CT DN AP AR AS BR CG GA GJ HR HP JH KA KL MP MH MN ML MZ NL OD PB RJ SK TN TS TR UP UK WB UT UL OR UA DD").split(" "),
);
const FOREIGN_MISSIONS = new Set([
  84, 85, 89, 93, 94, 95, 97, 98, 99, 102, 104, 105, 106, 109, 111, 112, 113, 117, 119, 120, 121, 122, 123, 125, 126, 128,
  133, 134, 135, 137, 141, 145, 147, 149, 152, 153, 155, 156, 157, 159, 160,
]);

/** true when the state/district (or diplomatic mission) is known; otherwise undefined (keep the pattern score). */
export function validateInVehicle(match: string): boolean | undefined {
  const s = strip(match, "- :");
  if (s.length < 8) return undefined;
  let valid: boolean | undefined;
  const state = s.slice(0, 2).toUpperCase();
  if (PREFIXES.has(state) && /\d/.test(s[2])) {
    const dist = /\d/.test(s[3]) ? s.slice(2, 4) : s.slice(2, 3);
    const reg = s.slice(-4);
    if (/^\d{4}$/.test(reg) && Number(reg) > 0 && DISTRICTS[state]?.has(dist)) valid = true;
  }
  for (const code of ["CC", "CD", "UN"]) {
    const at = s.indexOf(code);
    if (at < 0) continue;
    const prefix = s.slice(0, at);
    if (/^\d+$/.test(prefix)) {
      const n = Number(prefix);
      if ((n >= 1 && n <= 80) || FOREIGN_MISSIONS.has(n)) valid = true;
    }
  }
  return valid;
}

export function inVehicleRegistrationRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "InVehicleRegistrationRecognizer",
    entity: "IN_VEHICLE_REGISTRATION",
    patterns: [
      { name: "India Vehicle Registration (Very Weak)", regex: "\\b[A-Z](?!0000)[0-9]{4}\\b", score: 0.01 },
      { name: "India Vehicle Registration (Very Weak)", regex: "\\b[A-Z]{2}(?!0000)\\d{4}\\b", score: 0.01 },
      { name: "India Vehicle Registration (Very Weak)", regex: "\\bI(?!00000)\\d{5}\\b", score: 0.01 },
      { name: "India Vehicle Registration (Weak)", regex: "\\b[A-Z]{3}(?!0000)\\d{4}\\b", score: 0.2 },
      { name: "India Vehicle Registration (Medium)", regex: "\\b\\d{1,3}(?:CD|CC|UN)[1-9][0-9]{1,3}\\b", score: 0.4 },
      { name: "India Vehicle Registration", regex: "\\b[A-Z]{2}\\d[A-Z]{1,3}(?!0000)\\d{4}\\b", score: 0.5 },
      { name: "India Vehicle Registration", regex: "\\b[A-Z]{2}\\d{2}[A-Z]{1,2}(?!0000)\\d{4}\\b", score: 0.5 },
      { name: "India Vehicle Registration", regex: "\\b[2-9][1-9]BH(?!0000)\\d{4}[A-HJ-NP-Z]{2}\\b", score: 0.85 },
      { name: "India Vehicle Registration", regex: "\\b(?!00)\\d{2}[ABCDEFHKPRX]\\d{6}[A-Z]\\b", score: 0.85 },
    ],
    context: ["RTO", "vehicle", "plate", "registration"],
    validate: validateInVehicle,
    prefilter: /\d{4}/,
  });
}

export function inVoterRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "InVoterRecognizer",
    entity: "IN_VOTER",
    patterns: [
      { name: "VOTER", regex: "\\b[A-Za-z][ABCDGHJKMNPRSYabcdghjkmnprsy][A-Za-z][0-9]{7}\\b", score: 0.4 },
      { name: "VOTER", regex: "\\b[A-Za-z]{3}[0-9]{7}\\b", score: 0.3 },
    ],
    context: ["voter", "epic", "elector photo identity card"],
    prefilter: /\d{7}/,
  });
}

export function inPassportRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "InPassportRecognizer",
    entity: "IN_PASSPORT",
    patterns: [{ name: "PASSPORT", regex: "\\b[A-Z][1-9]\\d\\s?\\d{4}[1-9]\\b", score: 0.1 }],
    context: ["passport", "indian passport", "passport number"],
    prefilter: /\d{4}/,
  });
}
