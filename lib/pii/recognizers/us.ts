// United States: Presidio's UsSsnRecognizer, UsItinRecognizer, UsPassportRecognizer,
// UsBankRecognizer, UsLicenseRecognizer, AbaRoutingRecognizer and MedicalLicenseRecognizer
// (DEA numbers) — patterns, scores, context words and validation as in Presidio.
import { PatternRecognizer } from "../pattern-recognizer";
import { digitsOf, strip } from "./checksums";

/** Presidio's UsSsnRecognizer.invalidate_result. */
export function invalidateSsn(match: string): boolean {
  const delimiters = new Set(Array.from(match).filter((c) => c === "." || c === "-" || c === " "));
  if (delimiters.size > 1) return true; // mismatched delimiters
  const d = digitsOf(match);
  if (d.split("").every((c) => c === d[0])) return true; // all the same digit
  if (d.slice(3, 5) === "00" || d.slice(5) === "0000") return true; // a group of zeros
  for (const sample of ["000", "666", "123456789", "98765432", "078051120"]) if (d.startsWith(sample)) return true;
  return false;
}

export function usSsnRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UsSsnRecognizer",
    entity: "US_SSN",
    patterns: [
      { name: "SSN1 (very weak)", regex: "\\b[0-9]{5}-[0-9]{4}\\b", score: 0.05 },
      { name: "SSN2 (very weak)", regex: "\\b[0-9]{3}-[0-9]{6}\\b", score: 0.05 },
      { name: "SSN3 (very weak)", regex: "\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b", score: 0.05 },
      { name: "SSN4 (very weak)", regex: "\\b[0-9]{9}\\b", score: 0.05 },
      { name: "SSN5 (medium)", regex: "\\b[0-9]{3}[- .][0-9]{2}[- .][0-9]{4}\\b", score: 0.5 },
    ],
    context: ["social", "security", "ssn", "ssns", "ssid"],
    invalidate: invalidateSsn,
    prefilter: /\d{3}/,
  });
}

const ITIN_MID = "(?:5\\d|6[0-5]|7\\d|8[0-8]|9(?:[0-2]|[4-9]))";

export function usItinRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UsItinRecognizer",
    entity: "US_ITIN",
    patterns: [
      { name: "Itin (very weak)", regex: `\\b9\\d{2}[- ]${ITIN_MID}\\d{4}\\b|\\b9\\d{2}${ITIN_MID}[- ]\\d{4}\\b`, score: 0.05 },
      { name: "Itin (weak)", regex: `\\b9\\d{2}${ITIN_MID}\\d{4}\\b`, score: 0.3 },
      { name: "Itin (medium)", regex: `\\b9\\d{2}[- ]${ITIN_MID}[- ]\\d{4}\\b`, score: 0.5 },
    ],
    context: ["individual", "taxpayer", "itin", "tax", "payer", "taxid", "tin"],
    prefilter: /9\d\d/,
  });
}

export function usPassportRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UsPassportRecognizer",
    entity: "US_PASSPORT",
    patterns: [
      { name: "Passport (very weak)", regex: "\\b[0-9]{9}\\b", score: 0.05 },
      { name: "Passport Next Generation (very weak)", regex: "\\b[A-Z][0-9]{8}\\b", score: 0.1 },
    ],
    context: ["us", "united", "states", "passport", "passport#", "travel", "document"],
    prefilter: /\d{8}/,
  });
}

export function usBankRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UsBankRecognizer",
    entity: "US_BANK_NUMBER",
    patterns: [{ name: "Bank Account (weak)", regex: "\\b[0-9]{8,17}\\b", score: 0.05 }],
    context: ["check", "account", "account#", "acct", "bank", "save", "debit"],
    prefilter: /\d{8}/,
  });
}

export function usDriverLicenseRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "UsLicenseRecognizer",
    entity: "US_DRIVER_LICENSE",
    patterns: [
      {
        name: "Driver License - Alphanumeric (weak)",
        // Presidio's alternation (from ntsi.com's list of state formats), minus its one
        // malformed branch "A-Z]{2}[0-9]{2,5}" (a missing "[" makes it match the literal text
        // "A-Z]]…", i.e. nothing real). Matched case-insensitively, as Presidio does.
        regex:
          "\\b(?:[A-Z][0-9]{3,6}|[A-Z][0-9]{5,9}|[A-Z][0-9]{6,8}|[A-Z][0-9]{4,8}|[A-Z][0-9]{9,11}|[A-Z]{1,2}[0-9]{5,6}|H[0-9]{8}|V[0-9]{6}|X[0-9]{8}" +
          "|[A-Z]{2}[0-9]{3,7}|[0-9]{2}[A-Z]{3}[0-9]{5,6}|[A-Z][0-9]{13,14}|[A-Z][0-9]{18}|[A-Z][0-9]{6}R|[A-Z][0-9]{9}|[A-Z][0-9]{1,12}" +
          "|[0-9]{9}[A-Z]|[A-Z]{2}[0-9]{6}[A-Z]|[0-9]{8}[A-Z]{2}|[0-9]{3}[A-Z]{2}[0-9]{4}|[A-Z][0-9][A-Z][0-9][A-Z]|[0-9]{7,8}[A-Z])\\b",
        score: 0.3,
      },
      { name: "Driver License - Digits (very weak)", regex: "\\b(?:[0-9]{6,14}|[0-9]{16})\\b", score: 0.01 },
    ],
    context: ["driver", "license", "permit", "lic", "identification", "dls", "cdls", "lic#", "driving"],
    prefilter: /\d/,
  });
}

/** ABA routing number checksum: weights 3, 7, 1 repeated, sum ≡ 0 (mod 10). */
export function validateAba(match: string): boolean {
  const d = strip(match, "-");
  if (!/^\d{9}$/.test(d)) return false;
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  let s = 0;
  for (let i = 0; i < 9; i++) s += (d.charCodeAt(i) - 48) * w[i];
  return s % 10 === 0;
}

export function abaRoutingRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "AbaRoutingRecognizer",
    entity: "ABA_ROUTING_NUMBER",
    patterns: [
      { name: "ABA routing number (weak)", regex: "\\b[0123678]\\d{8}\\b", score: 0.05 },
      { name: "ABA routing number", regex: "\\b[0123678]\\d{3}-\\d{4}-\\d\\b", score: 0.3 },
    ],
    context: ["aba", "routing", "abarouting", "association", "bankrouting"],
    validate: validateAba,
    prefilter: /\d{4}/,
  });
}

/** DEA registration number check digit (Presidio's MedicalLicenseRecognizer). */
export function validateDea(match: string): boolean {
  const d = strip(match, "- ").slice(2);
  if (!/^\d{7}$/.test(d)) return false;
  const n = Array.from(d, (c) => c.charCodeAt(0) - 48);
  const check = n[6];
  const sum = (n[0] + n[2] + n[4]) + 2 * (n[1] + n[3] + n[5]);
  return (sum - check) % 10 === 0;
}

export function medicalLicenseRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "MedicalLicenseRecognizer",
    entity: "MEDICAL_LICENSE",
    patterns: [
      {
        name: "USA DEA Certificate Number (weak)",
        regex: "[abcdefghjklmprstuxABCDEFGHJKLMPRSTUX][a-zA-Z]\\d{7}|[abcdefghjklmprstuxABCDEFGHJKLMPRSTUX]9\\d{7}",
        score: 0.4,
      },
    ],
    context: ["medical", "certificate", "DEA"],
    validate: validateDea,
    prefilter: /\d{7}/,
  });
}
