// Every default recognizer on long adversarial inputs (10 KB runs of what its patterns accept,
// ending in what they reject) must finish fast: JavaScript regexes backtrack, so a pattern
// with nested or overlapping quantifiers would take seconds here (custom.test.ts shows the
// same inputs catching "(a+)+$").
import { describe, expect, it } from "vitest";
import { adversarialInputs } from "../custom";
import { defaultRecognizers } from ".";

interface TextAnalyzer {
  name: string;
  analyzeText(text: string): unknown[];
}

const N = 10_000;
const rep = (unit: string, tail = "!") => unit.repeat(Math.ceil(N / unit.length)).slice(0, N) + tail;

// Shapes aimed at the risky patterns: e-mail local parts and labels, dotted hosts (URL),
// hex/colon runs (IPv6, MAC), digit groups with separators (cards, phones, SSN), IBAN groups,
// fiscal-code letters, PAN-like tokens.
const INPUTS = [
  ...adversarialInputs(N),
  rep("a.", "@"),
  rep("a-", "@x"),
  "a".repeat(N) + "@" + "b".repeat(N),
  rep("a.b"),
  rep("www.a"),
  rep("http://a."),
  rep("1:"),
  rep("ab:"),
  rep("::1"),
  rep("1.1."),
  rep("12 "),
  rep("1234 "),
  rep("1234-"),
  rep("DE89 "),
  rep("AB12"),
  rep("ABCDEF"),
  rep("ABC1234"),
  rep("0x"),
  rep("bc1q"),
  rep("1A"),
  rep("a1b2c3d4e5"),
  rep("(415) 555-"),
  rep("+1 "),
];

function analyzers(): TextAnalyzer[] {
  return defaultRecognizers() as unknown as TextAnalyzer[];
}

describe("ReDoS: default recognizers on 10 KB adversarial inputs", () => {
  for (const r of analyzers()) {
    it(`${r.name} stays linear`, () => {
      let worst = 0;
      let worstInput = "";
      for (const input of INPUTS) {
        const t0 = performance.now();
        r.analyzeText(input);
        const ms = performance.now() - t0;
        if (ms > worst) {
          worst = ms;
          worstInput = input.slice(0, 12);
        }
      }
      // A backtracking blow-up on 10 KB costs seconds; linear scans cost well under 50 ms.
      // PhoneRecognizer runs libphonenumber's matcher (linear, but ~40 µs per character of a
      // solid run of digit groups, per region): 10 KB of "1234 1234 …" is its worst case.
      // Bounds against catastrophic backtracking (seconds to hours), generous for a busy machine.
      const limit = r.name === "PhoneRecognizer" ? 5000 : 2000;
      expect(worst, `worst input starts ${JSON.stringify(worstInput)}`).toBeLessThan(limit);
    });
  }

  it("PhoneRecognizer's worst case grows linearly (10 KB ≈ 2 × 5 KB)", () => {
    const phone = analyzers().find((r) => r.name === "PhoneRecognizer")!;
    const time = (n: number) => {
      const text = "1234 ".repeat(n / 5);
      const t0 = performance.now();
      phone.analyzeText(text);
      return performance.now() - t0;
    };
    time(2000); // warm-up
    const t5 = Math.min(time(5000), time(5000));
    const t10 = Math.min(time(10000), time(10000));
    // Linear ≈ 2×, quadratic ≈ 4×, exponential far more: only a blow-up fails under load.
    expect(t10 / t5).toBeLessThan(6);
  });
});
