import { describe, expect, it } from "vitest";
import { createAnalyzer, resolveOverlaps } from "./engine";
import { PatternRecognizer, denyListRecognizer } from "./pattern-recognizer";
import { defaultRecognizers } from "./recognizers";
import type { Recognizer, RecognizerResult } from "./types";

// A recognizer for "X1234"-style ids, weak on its own, with single-word and phrase context.
const idRecognizer = () =>
  new PatternRecognizer({
    name: "TestId",
    entity: "TEST_ID",
    patterns: [{ name: "id", regex: "\\bX\\d{4}\\b", score: 0.3 }],
    context: ["card", "account number", "ip"],
  });

/** A recognizer that reports fixed spans, to drive the overlap rules directly. */
function fixed(name: string, spans: Omit<RecognizerResult, "recognizer">[]): Recognizer {
  const entities = Array.from(new Set(spans.map((s) => s.entityType)));
  return { name, supportedEntities: entities, analyze: () => spans.map((s) => ({ ...s, recognizer: name })) };
}

const spanOf = (r: RecognizerResult) => [r.entityType, r.start, r.end, Number(r.score.toFixed(2))];

describe("context enhancement (Presidio's LemmaContextAwareEnhancer)", () => {
  const analyzer = createAnalyzer([idRecognizer()]);
  const run = (text: string, opts = {}) => createAnalyzer([idRecognizer()], opts).analyze(text, { entities: ["TEST_ID"] });

  it("keeps the pattern score without context", () => {
    expect(analyzer.analyze("ref X1234 here", { entities: ["TEST_ID"] }).map(spanOf)).toEqual([["TEST_ID", 4, 9, 0.3]]);
  });

  it("adds 0.35 when a context word is among the 5 keywords before, and marks the result", () => {
    const [r] = analyzer.analyze("my card is X1234", { entities: ["TEST_ID"] });
    expect(r.score).toBeCloseTo(0.65);
    expect(r.contextBoosted).toBe(true);
  });

  it("lemmatizes (plural, case) and skips stop words when counting the window", () => {
    expect(run("CARDS: X1234")[0].score).toBeCloseTo(0.65);
    // 5 keywords between "card" and the id: out of the window; stop words do not count.
    expect(run("card alpha beta gamma delta epsilon X1234")[0].score).toBeCloseTo(0.3);
    expect(run("card alpha beta gamma delta is the X1234")[0].score).toBeCloseTo(0.65);
  });

  it("matches whole words, not substrings (Presidio would let 'ip' match 'ship')", () => {
    expect(run("ship X1234")[0].score).toBeCloseTo(0.3);
    expect(run("ip X1234")[0].score).toBeCloseTo(0.65);
  });

  it("matches multi-word context as a phrase", () => {
    expect(run("account number: X1234")[0].score).toBeCloseTo(0.65);
    expect(run("number account X1234")[0].score).toBeCloseTo(0.3);
  });

  it("looks after the span only when a suffix window is configured", () => {
    expect(run("X1234 is my card")[0].score).toBeCloseTo(0.3);
    expect(run("X1234 is my card", { context: { suffixCount: 2 } })[0].score).toBeCloseTo(0.65);
  });

  it("raises a boosted score to at least 0.4 and caps it at 1.0", () => {
    const low = new PatternRecognizer({ name: "Low", entity: "LOW", patterns: [{ name: "l", regex: "\\bQ\\d\\b", score: 0.01 }], context: ["code"] });
    const high = new PatternRecognizer({ name: "High", entity: "HIGH", patterns: [{ name: "h", regex: "\\bZ\\d\\b", score: 0.9 }], context: ["code"] });
    const a = createAnalyzer([low, high]);
    const res = a.analyze("code Q1 code Z2", { entities: ["LOW", "HIGH"] });
    expect(res.map((r) => r.score)).toEqual([0.4, 1]);
  });
});

describe("threshold, entity selection, allow list", () => {
  const analyzer = createAnalyzer([idRecognizer(), denyListRecognizer("CODENAME", ["Falcon"])]);

  it("drops results under the threshold (after context enhancement)", () => {
    expect(analyzer.analyze("ref X1234", { entities: ["TEST_ID"], scoreThreshold: 0.4 })).toEqual([]);
    expect(analyzer.analyze("card X1234", { entities: ["TEST_ID"], scoreThreshold: 0.4 })).toHaveLength(1);
  });

  it("reports only the requested entities", () => {
    const text = "Falcon card X1234";
    expect(analyzer.analyze(text, { entities: ["CODENAME"] }).map((r) => r.entityType)).toEqual(["CODENAME"]);
    expect(analyzer.analyze(text, { entities: [] })).toEqual([]);
  });

  it("never reports allow-listed values (exact, case-insensitive)", () => {
    const res = analyzer.analyze("X1234 and X9999", { entities: ["TEST_ID"], allowList: ["x1234"] });
    expect(res.map((r) => [r.start, r.end])).toEqual([[10, 15]]);
  });
});

describe("deny lists (Presidio's deny_list recognizer)", () => {
  const analyzer = createAnalyzer([denyListRecognizer("CODENAME", ["Falcon", "Blue Harbor", "C++"])]);
  const run = (text: string) => analyzer.analyze(text, { entities: ["CODENAME"] }).map((r) => [text.slice(r.start, r.end), r.score]);

  it("finds whole words case-insensitively with score 1.0", () => {
    expect(run("Project FALCON and blue harbor.")).toEqual([["FALCON", 1], ["blue harbor", 1]]);
  });

  it("does not fire inside other words and escapes regex characters", () => {
    expect(run("Falconry is old; C++ is older")).toEqual([["C++", 1]]);
  });
});

describe("overlap resolution", () => {
  const E = ["A", "B"];

  it("identical spans: the higher score wins; a tie keeps the recognizer listed first", () => {
    const a = createAnalyzer([fixed("r1", [{ entityType: "A", start: 0, end: 5, score: 0.5 }]), fixed("r2", [{ entityType: "B", start: 0, end: 5, score: 0.7 }])]);
    expect(a.analyze("abcdefgh", { entities: E }).map(spanOf)).toEqual([["B", 0, 5, 0.7]]);
    const tie = createAnalyzer([fixed("r1", [{ entityType: "A", start: 0, end: 5, score: 0.5 }]), fixed("r2", [{ entityType: "B", start: 0, end: 5, score: 0.5 }])]);
    expect(tie.analyze("abcdefgh", { entities: E }).map(spanOf)).toEqual([["A", 0, 5, 0.5]]);
  });

  it("nested: the longer span wins, even with a lower score", () => {
    const a = createAnalyzer([fixed("r1", [{ entityType: "A", start: 0, end: 10, score: 0.3 }]), fixed("r2", [{ entityType: "B", start: 2, end: 6, score: 0.9 }])]);
    expect(a.analyze("0123456789", { entities: E }).map(spanOf)).toEqual([["A", 0, 10, 0.3]]);
  });

  it("partial overlap of one type: merged, keeping the higher score", () => {
    const a = createAnalyzer([fixed("r1", [{ entityType: "A", start: 0, end: 6, score: 0.4 }, { entityType: "A", start: 4, end: 10, score: 0.6 }])]);
    expect(a.analyze("0123456789", { entities: E }).map(spanOf)).toEqual([["A", 0, 10, 0.6]]);
  });

  it("partial overlap of two types: the higher score keeps its span, the other is trimmed (or dropped)", () => {
    const recs = [fixed("r1", [{ entityType: "A", start: 0, end: 6, score: 0.4 }]), fixed("r2", [{ entityType: "B", start: 4, end: 10, score: 0.6 }])];
    expect(createAnalyzer(recs).analyze("0123456789", { entities: E }).map(spanOf)).toEqual([["A", 0, 4, 0.4], ["B", 4, 10, 0.6]]);
    expect(createAnalyzer(recs, { partialOverlap: "drop" }).analyze("0123456789", { entities: E }).map(spanOf)).toEqual([["B", 4, 10, 0.6]]);
    const later = [fixed("r1", [{ entityType: "A", start: 0, end: 6, score: 0.8 }]), fixed("r2", [{ entityType: "B", start: 4, end: 10, score: 0.6 }])];
    expect(createAnalyzer(later).analyze("0123456789", { entities: E }).map(spanOf)).toEqual([["A", 0, 6, 0.8], ["B", 6, 10, 0.6]]);
  });

  it("returns non-overlapping results sorted by start for chains of overlaps", () => {
    const items = [
      { entityType: "A", start: 0, end: 10, score: 0.9, recognizer: "x", order: 0 },
      { entityType: "B", start: 5, end: 15, score: 0.5, recognizer: "x", order: 1 },
      { entityType: "C", start: 8, end: 20, score: 0.7, recognizer: "x", order: 2 },
      { entityType: "D", start: 30, end: 31, score: 0.1, recognizer: "x", order: 3 },
    ];
    const out = resolveOverlaps(items);
    for (let i = 1; i < out.length; i++) expect(out[i].start).toBeGreaterThanOrEqual(out[i - 1].end);
    expect(out.map((r) => [r.entityType, r.start, r.end])).toEqual([["A", 0, 10], ["C", 10, 20], ["D", 30, 31]]);
  });
});

describe("default recognizers through the analyzer", () => {
  const analyzer = createAnalyzer(defaultRecognizers());
  const entities = analyzer.supportedEntities;

  it("finds the common entities in a realistic prompt at Presidio's evaluation threshold", () => {
    const text =
      "Hi, I'm writing about my account. Email me at jane.doe@example.com or call (415) 555-0132. " +
      "My card 4111 1111 1111 1111 was charged twice on 2024-03-05; refund to IBAN DE89 3704 0044 0532 0130 00. " +
      "My SSN is 078-05-1123 and the server at 192.168.10.20 logged it. See https://support.example.com/ticket/42.";
    const found = analyzer.analyze(text, { entities, scoreThreshold: 0.4 }).map((r) => [r.entityType, text.slice(r.start, r.end)]);
    expect(found).toEqual([
      ["EMAIL_ADDRESS", "jane.doe@example.com"],
      ["PHONE_NUMBER", "(415) 555-0132"],
      ["CREDIT_CARD", "4111 1111 1111 1111"],
      ["DATE_TIME", "2024-03-05"],
      ["IBAN_CODE", "DE89 3704 0044 0532 0130 00"],
      ["US_SSN", "078-05-1123"],
      ["IP_ADDRESS", "192.168.10.20"],
      ["URL", "https://support.example.com/ticket/42"],
    ]);
  });

  it("lists every entity of the default registry", () => {
    for (const e of ["CREDIT_CARD", "CRYPTO", "DATE_TIME", "EMAIL_ADDRESS", "IBAN_CODE", "IP_ADDRESS", "MAC_ADDRESS", "PHONE_NUMBER", "URL", "MEDICAL_LICENSE", "US_BANK_NUMBER", "US_DRIVER_LICENSE", "US_ITIN", "US_PASSPORT", "US_SSN", "UK_NHS", "UK_NINO", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "IT_DRIVER_LICENSE", "IT_VAT_CODE", "IT_IDENTITY_CARD", "IT_PASSPORT", "PL_PESEL", "SG_NRIC_FIN", "SG_UEN", "AU_ABN", "AU_ACN", "AU_TFN", "AU_MEDICARE", "IN_PAN", "IN_AADHAAR", "IN_VEHICLE_REGISTRATION", "IN_VOTER", "IN_PASSPORT"]) {
      expect(entities).toContain(e);
    }
  });
});
