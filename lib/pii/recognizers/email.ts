// EMAIL_ADDRESS: Presidio's EmailRecognizer (score 0.5, 1.0 once the domain checks out,
// context "email"). Presidio validates
// the domain with tldextract (a public suffix must be found); we check the last label is a
// plausible TLD (letters, or an IDNA "xn--" label) instead of shipping the suffix list.
import { PatternRecognizer } from "../pattern-recognizer";

const W = "[\\p{L}\\p{N}_]";
const LOCAL = `[!#$%&'*+\\-/=?^_\`{|}~\\p{L}\\p{N}]`;
const LOCAL_DOT = `[!#$%&'*+\\-/=?^_\`{|}~.\\p{L}\\p{N}]`;

export function validateEmail(match: string): boolean {
  const domain = match.slice(match.lastIndexOf("@") + 1);
  const tld = domain.slice(domain.lastIndexOf(".") + 1).toLowerCase();
  return /^(?:\p{L}{2,63}|xn--[a-z0-9-]{2,59})$/u.test(tld);
}

export function emailRecognizer(): PatternRecognizer {
  return new PatternRecognizer({
    name: "EmailRecognizer",
    entity: "EMAIL_ADDRESS",
    patterns: [
      {
        name: "Email (Medium)",
        // Presidio's shape with Unicode letters (Python's \w is Unicode) and lookarounds in
        // place of \b (JavaScript's \b is ASCII-only). Local part ≤ 64 and labels ≤ 63
        // (RFC 5321) bound the backtracking on long runs of word characters without an "@".
        regex: `(?<!${W})(?:${LOCAL}|${LOCAL}${LOCAL_DOT}{0,62}${LOCAL})@${W}{1,63}(?:-+${W}{1,63})*(?:\\.${W}{1,63}(?:-+${W}{1,63})*)+(?!${W})`,
        score: 0.5,
        flags: "iu",
      },
    ],
    context: ["email"],
    // Presidio returns True from validate_result when tldextract finds a domain: score 1.0.
    validate: validateEmail,
    prefilter: /@/,
  });
}
