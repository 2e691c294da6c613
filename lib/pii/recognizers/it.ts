// Italy: Presidio's ItFiscalCodeRecognizer (control character), ItDriverLicenseRecognizer,
// ItVatCodeRecognizer (Luhn-like check digit), ItIdentityCardRecognizer, ItPassportRecognizer.
import { PatternRecognizer } from "../pattern-recognizer";
import { strip } from "./checksums";

const ODD: Record<string, number> = {};
"0:1 1:0 2:5 3:7 4:9 5:13 6:15 7:17 8:19 9:21 A:1 B:0 C:5 D:7 E:9 F:13 G:15 H:17 I:19 J:21 K:2 L:4 M:18 N:20 O:11 P:3 Q:6 R:8 S:12 T:14 U:16 V:10 W:22 X:25 Y:24 Z:23"
  .split(" ")
  .forEach((kv) => {
    const [k, v] = kv.split(":");
    ODD[k] = Number(v);
  });

function evenValue(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

/** Presidio: a correct control character → true; a wrong one → undefined (keep 0.3). */
export function validateItFiscalCode(match: string): boolean | undefined {
  const s = match.toUpperCase();
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? ODD[s[i]] ?? 0 : evenValue(s[i]);
  return String.fromCharCode(65 + (sum % 26)) === s[15] ? true : undefined;
}

export function itFiscalCodeRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ItFiscalCodeRecognizer",
    entity: "IT_FISCAL_CODE",
    patterns: [
      {
        name: "Fiscal Code",
        regex:
          "(?:(?:[A-Z][AEIOU][AEIOUX]|[AEIOU]X{2}|[B-DF-HJ-NP-TV-Z]{2}[A-Z]){2}" +
          "(?:[\\dLMNP-V]{2}(?:[A-EHLMPR-T](?:[04LQ][1-9MNP-V]|[15MR][\\dLMNP-V]|[26NS][0-8LMNP-U])|[DHPS][37PT][0L]|[ACELMRT][37PT][01LM]" +
          "|[AC-EHLMPR-T][26NS][9V])|(?:[02468LNQSU][048LQU]|[13579MPRTV][26NS])B[26NS][9V])" +
          "(?:[A-MZ][1-9MNP-V][\\dLMNP-V]{2}|[A-M][0L](?:[1-9MNP-V][\\dLMNP-V]|[0L][1-9MNP-V]))[A-Z])",
        score: 0.3,
      },
    ],
    context: ["codice fiscale", "cf"],
    validate: validateItFiscalCode,
    prefilter: /\d/,
  });
}

export function itDriverLicenseRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ItDriverLicenseRecognizer",
    entity: "IT_DRIVER_LICENSE",
    patterns: [{ name: "Driver License", regex: "\\b(?:[A-Z]{2}\\d{7}[A-Z]|U1[BCDEFGHLJKMNPRSTUWYXZ0-9]{7}[A-Z])\\b", score: 0.2 }],
    context: ["patente", "patente di guida", "licenza", "licenza di guida"],
    prefilter: /\d/,
  });
}

export function validateItVat(match: string): boolean {
  const d = strip(match, "-_ ");
  if (!/^\d{11}$/.test(d) || d === "00000000000") return false;
  let x = 0;
  let y = 0;
  for (let i = 0; i < 5; i++) {
    x += d.charCodeAt(2 * i) - 48;
    let t = (d.charCodeAt(2 * i + 1) - 48) * 2;
    if (t > 9) t -= 9;
    y += t;
  }
  return (10 - ((x + y) % 10)) % 10 === d.charCodeAt(10) - 48;
}

export function itVatCodeRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ItVatCodeRecognizer",
    entity: "IT_VAT_CODE",
    // Presidio's "([0-9][ _]?){11}": each group is one digit plus an optional separator, so
    // there is one way to match — no backtracking blow-up.
    patterns: [{ name: "IT Vat code (piva)", regex: "\\b(?:[0-9][ _]?){11}\\b", score: 0.1 }],
    context: ["piva", "partita iva", "pi"],
    validate: validateItVat,
    prefilter: /\d/,
  });
}

export function itIdentityCardRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ItIdentityCardRecognizer",
    entity: "IT_IDENTITY_CARD",
    patterns: [
      { name: "Paper-based Identity Card (very weak)", regex: "\\b[A-Z]{2}\\s?\\d{7}\\b", score: 0.01 },
      { name: "Electronic Identity Card (CIE) 2.0 (very weak)", regex: "\\b\\d{7}[A-Z]{2}\\b", score: 0.01 },
      { name: "Electronic Identity Card (CIE) 3.0 (very weak)", regex: "\\b[A-Z]{2}\\d{5}[A-Z]{2}\\b", score: 0.01 },
    ],
    context: ["carta", "identità", "elettronica", "cie", "documento", "riconoscimento", "espatrio"],
    prefilter: /\d{5}/,
  });
}

export function itPassportRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "ItPassportRecognizer",
    entity: "IT_PASSPORT",
    patterns: [{ name: "Passport (very weak)", regex: "\\b[A-Z]{2}\\d{7}\\b", score: 0.01 }],
    context: ["passaporto", "elettronico", "italiano", "viaggio", "viaggiare", "estero", "documento", "dogana"],
    prefilter: /\d{7}/,
  });
}
