import { describe, expect, it } from "vitest";
import { crossedThresholds, formatReset, formatTimeUntil, usageTone } from "./budget-format";

const NOW = Date.parse("2026-11-29T19:00:00Z");

describe("budget wording", () => {
  it("says how long until a reset, in minutes, hours or days", () => {
    expect(formatTimeUntil("2026-11-29T19:12:00Z", NOW)).toBe("in 12 min");
    expect(formatTimeUntil("2026-11-30T00:00:00Z", NOW)).toBe("in 5 h");
    expect(formatTimeUntil("2026-12-01T00:00:00Z", NOW)).toBe("in 29 h");
    expect(formatTimeUntil("2026-12-05T19:00:00Z", NOW)).toBe("in 6 days");
    expect(formatTimeUntil("2026-11-29T18:00:00Z", NOW)).toBe("now");
  });

  it("gives the reset time in UTC", () => {
    expect(formatReset("2026-11-30T00:00:00Z", NOW)).toBe("resets in 5 h, at Nov 30, 2026, 00:00 UTC");
    expect(formatReset(null, NOW)).toBeNull();
  });

  it("colours at 80 and 100 percent and lists the thresholds crossed", () => {
    expect([usageTone(null), usageTone(79.9), usageTone(80), usageTone(100), usageTone(250)]).toEqual(["ok", "ok", "warn", "over", "over"]);
    expect(crossedThresholds([100, 50, 80], 85)).toEqual([50, 80]);
    expect(crossedThresholds([50, 80, 100], 100)).toEqual([50, 80, 100]);
    expect(crossedThresholds([50], null)).toEqual([]);
  });
});
