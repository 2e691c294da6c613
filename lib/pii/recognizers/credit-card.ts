// CREDIT_CARD: Presidio's CreditCardRecognizer (Luhn-validated, score 0.3 before validation,
// same context words), widened to the card numbers its regex misses (DESIGN.md: its recall on
// the synth set is 0.772): 12-digit Maestro, 2-series Mastercard (2221–2720), Mir (2200–2204),
// 18–19-digit Visa / Maestro / Discover / UnionPay / JCB, and Amex/Diners 4-6-5 / 4-6-4
// groupings. A number outside Presidio's shapes must also carry a known issuer prefix for its
// length, so widening the net does not turn every Luhn-valid 12–19 digit id into a card.
import { PatternRecognizer } from "../pattern-recognizer";
import { digitsOf, luhn } from "./checksums";

// Presidio's pattern: 4-digit head (1, 3, 4, 5[0-5], 6) then groups of 3–4, 3–4, 3–5, with
// optional "-" or " " between groups; 13-digit numbers starting with 1 are excluded.
const PRESIDIO_SHAPE = /^(?!1\d{12}$)(?:4\d{3}|5[0-5]\d{2}|6\d{3}|1\d{3}|3\d{3})[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}$/;

/** Issuer ranges (IIN) and lengths for the numbers Presidio's shape does not cover. */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if (p4 >= 2221 && p4 <= 2720) return n === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return n >= 16 && n <= 19; // Mir
  if (p2 >= 51 && p2 <= 55) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if (p2 === 36 || (p4 >= 3000 && p4 <= 3059) || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (d.startsWith("6011") || p2 === 65 || (p6 >= 644000 && p6 <= 649999)) return n >= 16 && n <= 19; // Discover
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19; // Maestro
  if (d[0] === "1") return n === 15; // UATP
  return false;
}

export function validateCreditCard(match: string): boolean {
  const d = digitsOf(match);
  if (d.length < 12 || d.length > 19) return false;
  if (!luhn(d)) return false;
  return PRESIDIO_SHAPE.test(match) || knownIssuer(d);
}

export function creditCardRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "CreditCardRecognizer",
    entity: "CREDIT_CARD",
    patterns: [
      {
        name: "All Credit Cards (weak)",
        // Either 12–19 plain digits, or 4-digit groups separated by "-"/" " (4-4-4-4[-1..3],
        // 4-4-4-1..4, Amex 4-6-5, Diners 4-6-4), or Presidio's 4/3-4/3-4/3-5 grouping.
        // Every quantifier is bounded and groups start at fixed digits: linear time.
        regex:
          "\\b(?:\\d{4}[- ]\\d{6}[- ]\\d{4,5}|\\d{4}(?:[- ]?\\d{3,4}){2}[- ]?\\d{3,5}(?:[- ]\\d{1,3})?|\\d{4}[- ]\\d{4}[- ]\\d{4}(?:[- ]\\d{1,3})?|\\d{12,19})\\b",
        score: 0.3,
      },
    ],
    context: ["credit", "card", "visa", "mastercard", "cc ", "amex", "discover", "jcb", "diners", "maestro", "instapayment"],
    validate: validateCreditCard,
    prefilter: /\d{4}/,
    // A card followed by a short number ("4111 1111 1111 1111 123" — a CVV) matches as 19
    // digits and fails Luhn: retry without the trailing group, like Presidio's IBAN fallback.
    candidateEnds: (m) => {
      const ends = [m.index + m[0].length];
      const lastSep = Math.max(m[0].lastIndexOf(" "), m[0].lastIndexOf("-"));
      if (lastSep > 0) ends.push(m.index + lastSep);
      return ends;
    },
  });
}
