import { describe, expect, it } from "vitest";
import { fillBuckets } from "./series";

describe("fillBuckets", () => {
  it("fills every bucket of the range with zeros where there is no row, keeping the rows' values", () => {
    const rows = [{ bucket: "2026-01-01T01:00:00.000Z", requests: 5, label: "x" }];
    const out = fillBuckets(rows, "2026-01-01T00:00:00.000Z", "2026-01-01T03:00:00.000Z", "hour", ["requests", "errors"]);
    expect(out).toEqual([
      { bucket: "2026-01-01T00:00:00.000Z", requests: 0, errors: 0 },
      { bucket: "2026-01-01T01:00:00.000Z", requests: 5, errors: 0, label: "x" },
      { bucket: "2026-01-01T02:00:00.000Z", requests: 0, errors: 0 },
    ]);
  });
  it("stops at 10,000 points whatever the range", () => {
    expect(fillBuckets([], "2000-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "minute", ["a"])).toHaveLength(10_000);
  });
});
