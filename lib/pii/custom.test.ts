import { describe, expect, it } from "vitest";
import {
  buildCustomRecognizers,
  buildDenyListRecognizers,
  customRecognizersSchema,
  denyListSchema,
  translatePattern,
  validateCustomRecognizers,
  validateCustomRecognizersSync,
} from "./custom";
import { createAnalyzer } from "./engine";

const employeeId = { name: "employee-id", pattern: "EMP-\\d{6}", entity_type: "EMPLOYEE_ID", confidence_level: 0.6, context: ["employee"] };

describe("custom recognizers from config", () => {
  it("detect with the configured score, raised by their context words", () => {
    const analyzer = createAnalyzer(buildCustomRecognizers([employeeId]));
    const text = "Ticket for EMP-123456; employee EMP-654321";
    const res = analyzer.analyze(text, { entities: ["EMPLOYEE_ID"] });
    expect(res.map((r) => [text.slice(r.start, r.end), Number(r.score.toFixed(2)), r.recognizer])).toEqual([
      ["EMP-123456", 0.6, "custom:employee-id"],
      ["EMP-654321", 0.95, "custom:employee-id"],
    ]);
  });

  it("accept low / medium / high and Python-style patterns (Presidio users' configs)", () => {
    const [r] = buildCustomRecognizers([
      { name: "badge", pattern: "(?i)(?P<p>badge)-(?P=p)?\\d{3}\\Z", entity_type: "badge_id", confidence_level: "high" },
    ]);
    expect(r.supportedEntities).toEqual(["BADGE_ID"]);
    expect(r.analyzeText("BADGE-042").map((x) => x.score)).toEqual([0.85]);
    expect(translatePattern("(?P<a>x)(?P=a)")).toEqual({ source: "(?<a>x)\\k<a>", flags: "ims" });
  });

  it("reject invalid regexes with the engine's message, the index and the name", () => {
    const errors = validateCustomRecognizersSync([employeeId, { ...employeeId, name: "broken", pattern: "EMP-(\\d{6" }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: 1, name: "broken", field: "pattern" });
    expect(errors[0].message).toMatch(/^custom_recognizers\[1\] \("broken"\)\.pattern: invalid pattern: .*Unterminated group/);
  });

  it("reject patterns that match the empty string, bad fields and duplicate names", () => {
    const errors = validateCustomRecognizersSync([
      { ...employeeId, name: "empty", pattern: "\\d*" },
      { ...employeeId, name: "scored", confidence_level: 1.5 },
      { ...employeeId, name: "typed", entity_type: "has space" },
      { ...employeeId, name: "dup" },
      { ...employeeId, name: "dup" },
      { ...employeeId, name: "mid-flags", pattern: "a(?i)b" },
    ]);
    expect(errors.map((e) => [e.index, e.field])).toEqual([
      [0, "pattern"],
      [1, "confidence_level"],
      [2, "entity_type"],
      [4, "name"],
      [5, "pattern"],
    ]);
    expect(errors[0].message).toContain("empty string");
    expect(() => buildCustomRecognizers([{ ...employeeId, pattern: "x|" }])).toThrow(/empty string/);
  });

  it("the zod schema fragment rejects the same patterns", () => {
    expect(customRecognizersSchema.safeParse([employeeId]).success).toBe(true);
    const bad = customRecognizersSchema.safeParse([{ ...employeeId, pattern: "(" }]);
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("invalid pattern");
    expect(denyListSchema.safeParse({ CODENAME: ["Falcon"] }).success).toBe(true);
    expect(denyListSchema.safeParse({ "not an entity": ["x"] }).success).toBe(false);
  });

  it("flag catastrophically slow patterns in a time-boxed run, and pass sound ones", async () => {
    const errors = await validateCustomRecognizers(
      [employeeId, { ...employeeId, name: "nested", pattern: "(a+)+$" }, { ...employeeId, name: "alt", pattern: "^(\\w|\\w\\w)*!$" }],
      { slowPatternMs: 100, budgetMs: 1500 },
    );
    expect(errors.map((e) => e.name)).toEqual(["nested", "alt"]);
    expect(errors[0].message).toMatch(/catastrophic backtracking/);
  }, 15_000);
});

describe("deny lists from config", () => {
  it("build one recognizer per entity type", () => {
    const analyzer = createAnalyzer(buildDenyListRecognizers({ CODENAME: ["Falcon"], customer: ["Acme Corp"] }));
    const text = "Falcon ships to acme corp";
    expect(analyzer.analyze(text, { entities: ["CODENAME", "CUSTOMER"] }).map((r) => [r.entityType, text.slice(r.start, r.end)])).toEqual([
      ["CODENAME", "Falcon"],
      ["CUSTOMER", "acme corp"],
    ]);
  });
});
