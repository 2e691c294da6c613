// Finland: Presidio's FiPersonalIdentityCodeRecognizer (henkilötunnus: real date, century
// sign, mod-31 control character).
import { PatternRecognizer } from "../pattern-recognizer";

const CENTURY: Record<string, number> = { "+": 1800, "-": 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 };
const CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY";

export function validateFiPic(match: string): boolean {
  if (match.length !== 11) return false;
  const s = match.toUpperCase();
  const day = Number(s.slice(0, 2));
  const month = Number(s.slice(2, 4));
  const year = (CENTURY[s[6]] ?? 2000) + Number(s.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  const n = Number(s.slice(0, 6) + s.slice(7, 10));
  return CONTROL[n % 31] === s[10];
}

export function fiPersonalIdentityCodeRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "FiPersonalIdentityCodeRecognizer",
    entity: "FI_PERSONAL_IDENTITY_CODE",
    patterns: [
      { name: "Finnish Personal Identity Code (Medium)", regex: "\\b\\d{6}[-+ABCDEFYXWVU]\\d{3}[0123456789ABCDEFHJKLMNPRSTUVWXY]\\b", score: 0.5 },
      { name: "Finnish Personal Identity Code (Very Weak)", regex: "\\d{6}[-+ABCDEFYXWVU]\\d{3}[0123456789ABCDEFHJKLMNPRSTUVWXY]", score: 0.1 },
    ],
    context: ["hetu", "henkilötunnus", "personbeteckningen", "personal identity code"],
    validate: validateFiPic,
    prefilter: /\d{6}/,
  });
}
