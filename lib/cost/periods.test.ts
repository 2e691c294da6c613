// Budget periods in real time zones: midnights across DST changes, month ends, half-hour offsets
// and custom N-day periods counted from an anchor.
import { describe, expect, it } from "vitest";
import { periodWindow, startOfLocalDay, zoneOffsetMs, type PeriodSpec } from "./periods";

const at = (iso: string) => new Date(iso).getTime();
const win = (spec: PeriodSpec, iso: string) => {
  const w = periodWindow(spec, at(iso));
  return { start: w.start.toISOString(), resetAt: w.resetAt.toISOString() };
};

describe("daily", () => {
  it("UTC midnight to midnight; the reset instant belongs to the next day", () => {
    const spec: PeriodSpec = { period: "daily", timezone: "UTC" };
    expect(win(spec, "2026-11-29T23:59:59.999Z")).toEqual({ start: "2026-11-29T00:00:00.000Z", resetAt: "2026-11-30T00:00:00.000Z" });
    expect(win(spec, "2026-11-30T00:00:00.000Z")).toEqual({ start: "2026-11-30T00:00:00.000Z", resetAt: "2026-12-01T00:00:00.000Z" });
  });

  it("Asia/Kolkata (+5:30): local midnight is 18:30 UTC the day before", () => {
    const spec: PeriodSpec = { period: "daily", timezone: "Asia/Kolkata" };
    expect(zoneOffsetMs(at("2026-06-01T00:00:00Z"), "Asia/Kolkata")).toBe(19_800_000);
    expect(win(spec, "2026-11-29T18:29:59Z")).toEqual({ start: "2026-11-28T18:30:00.000Z", resetAt: "2026-11-29T18:30:00.000Z" });
    expect(win(spec, "2026-11-29T18:30:00Z")).toEqual({ start: "2026-11-29T18:30:00.000Z", resetAt: "2026-11-30T18:30:00.000Z" });
  });

  it("America/New_York across DST: the spring-forward day has 23 h, the fall-back day 25 h", () => {
    const spec: PeriodSpec = { period: "daily", timezone: "America/New_York" };
    // 2026-03-08: clocks go 02:00 → 03:00 local.
    const spring = win(spec, "2026-03-08T12:00:00Z");
    expect(spring).toEqual({ start: "2026-03-08T05:00:00.000Z", resetAt: "2026-03-09T04:00:00.000Z" });
    expect(at(spring.resetAt) - at(spring.start)).toBe(23 * 3_600_000);
    // 2026-11-01: clocks go 02:00 → 01:00 local.
    const fall = win(spec, "2026-11-01T06:30:00Z"); // 01:30 EDT, the first 01:30
    expect(fall).toEqual({ start: "2026-11-01T04:00:00.000Z", resetAt: "2026-11-02T05:00:00.000Z" });
    expect(at(fall.resetAt) - at(fall.start)).toBe(25 * 3_600_000);
    expect(win(spec, "2026-11-01T06:30:00.000Z")).toEqual(win(spec, "2026-11-02T04:59:59.999Z"));
  });

  it("Europe/London and Europe/Berlin on their DST Sundays", () => {
    expect(win({ period: "daily", timezone: "Europe/London" }, "2026-03-29T12:00:00Z")).toEqual({
      start: "2026-03-29T00:00:00.000Z",
      resetAt: "2026-03-29T23:00:00.000Z",
    });
    expect(win({ period: "daily", timezone: "Europe/Berlin" }, "2026-10-25T12:00:00Z")).toEqual({
      start: "2026-10-24T22:00:00.000Z",
      resetAt: "2026-10-25T23:00:00.000Z",
    });
  });

  it("a zone that skips midnight (America/Santiago, DST starts at 00:00) starts the day at 01:00", () => {
    // 2026-09-06 00:00 -04 becomes 01:00 -03 in Chile.
    const start = startOfLocalDay({ y: 2026, m: 9, d: 6 }, "America/Santiago");
    expect(new Date(start).toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(win({ period: "daily", timezone: "America/Santiago" }, "2026-09-06T12:00:00Z")).toEqual({
      start: "2026-09-06T04:00:00.000Z",
      resetAt: "2026-09-07T03:00:00.000Z",
    });
  });
});

describe("weekly", () => {
  it("starts on Monday midnight in the zone", () => {
    // 2026-11-29 is a Sunday.
    expect(win({ period: "weekly", timezone: "UTC" }, "2026-11-29T23:00:00Z")).toEqual({
      start: "2026-11-23T00:00:00.000Z",
      resetAt: "2026-11-30T00:00:00.000Z",
    });
    // Monday 00:10 in Tokyo is still Sunday in UTC.
    expect(win({ period: "weekly", timezone: "Asia/Tokyo" }, "2026-11-29T15:10:00Z")).toEqual({
      start: "2026-11-29T15:00:00.000Z",
      resetAt: "2026-12-06T15:00:00.000Z",
    });
  });

  it("a week spanning the DST change is 167 h long", () => {
    const w = win({ period: "weekly", timezone: "America/New_York" }, "2026-03-10T12:00:00Z");
    expect(w).toEqual({ start: "2026-03-09T04:00:00.000Z", resetAt: "2026-03-16T04:00:00.000Z" });
    const across = win({ period: "weekly", timezone: "America/New_York" }, "2026-03-05T12:00:00Z");
    expect(at(across.resetAt) - at(across.start)).toBe(167 * 3_600_000);
  });
});

describe("monthly", () => {
  it("month ends: 31st, February in leap and common years, December into January", () => {
    const spec: PeriodSpec = { period: "monthly", timezone: "UTC" };
    expect(win(spec, "2026-01-31T23:59:59Z")).toEqual({ start: "2026-01-01T00:00:00.000Z", resetAt: "2026-02-01T00:00:00.000Z" });
    expect(win(spec, "2028-02-29T12:00:00Z")).toEqual({ start: "2028-02-01T00:00:00.000Z", resetAt: "2028-03-01T00:00:00.000Z" });
    expect(win(spec, "2026-02-28T12:00:00Z")).toEqual({ start: "2026-02-01T00:00:00.000Z", resetAt: "2026-03-01T00:00:00.000Z" });
    expect(win(spec, "2026-12-31T12:00:00Z")).toEqual({ start: "2026-12-01T00:00:00.000Z", resetAt: "2027-01-01T00:00:00.000Z" });
  });

  it("in Asia/Kolkata the month starts at 18:30 UTC on the last day of the previous month", () => {
    expect(win({ period: "monthly", timezone: "Asia/Kolkata" }, "2026-11-30T18:30:00Z")).toEqual({
      start: "2026-11-30T18:30:00.000Z",
      resetAt: "2026-12-31T18:30:00.000Z",
    });
    expect(win({ period: "monthly", timezone: "Asia/Kolkata" }, "2026-11-30T18:29:00Z")).toEqual({
      start: "2026-10-31T18:30:00.000Z",
      resetAt: "2026-11-30T18:30:00.000Z",
    });
  });

  it("in New York a month containing the DST change is an hour short", () => {
    const w = win({ period: "monthly", timezone: "America/New_York" }, "2026-03-15T00:00:00Z");
    expect(w).toEqual({ start: "2026-03-01T05:00:00.000Z", resetAt: "2026-04-01T04:00:00.000Z" });
  });
});

describe("custom N-day periods", () => {
  const anchor = new Date("2026-11-02T15:45:00Z"); // any time on the anchor's day

  it("14-day periods count from the anchor day's local midnight", () => {
    const spec: PeriodSpec = { period: "days", periodDays: 14, timezone: "UTC", anchor };
    expect(win(spec, "2026-11-02T00:00:00Z")).toEqual({ start: "2026-11-02T00:00:00.000Z", resetAt: "2026-11-16T00:00:00.000Z" });
    expect(win(spec, "2026-11-15T23:59:59Z")).toEqual({ start: "2026-11-02T00:00:00.000Z", resetAt: "2026-11-16T00:00:00.000Z" });
    expect(win(spec, "2026-11-16T00:00:00Z")).toEqual({ start: "2026-11-16T00:00:00.000Z", resetAt: "2026-11-30T00:00:00.000Z" });
    expect(win(spec, "2027-01-01T00:00:00Z")).toEqual({ start: "2026-12-28T00:00:00.000Z", resetAt: "2027-01-11T00:00:00.000Z" });
    // Before the anchor: the periods extend backwards.
    expect(win(spec, "2026-11-01T12:00:00Z")).toEqual({ start: "2026-10-19T00:00:00.000Z", resetAt: "2026-11-02T00:00:00.000Z" });
  });

  it("calendar days across DST: the period spanning it is 14 days minus an hour, boundaries stay at local midnight", () => {
    const spec: PeriodSpec = { period: "days", periodDays: 14, timezone: "America/New_York", anchor: new Date("2026-03-01T17:00:00Z") };
    const w = win(spec, "2026-03-10T00:00:00Z");
    expect(w).toEqual({ start: "2026-03-01T05:00:00.000Z", resetAt: "2026-03-15T04:00:00.000Z" });
    expect(at(w.resetAt) - at(w.start)).toBe(14 * 86_400_000 - 3_600_000);
  });

  it("the anchor's day is its day in the budget's zone, and 1-day periods equal daily", () => {
    // 20:00 UTC on Nov 2 is already Nov 3 in Kolkata.
    const spec: PeriodSpec = { period: "days", periodDays: 3, timezone: "Asia/Kolkata", anchor: new Date("2026-11-02T20:00:00Z") };
    expect(win(spec, "2026-11-03T00:00:00Z")).toEqual({ start: "2026-11-02T18:30:00.000Z", resetAt: "2026-11-05T18:30:00.000Z" });
    const one: PeriodSpec = { period: "days", periodDays: 1, timezone: "Europe/Berlin", anchor };
    for (const iso of ["2026-03-29T12:00:00Z", "2026-10-25T01:30:00Z", "2026-07-01T21:59:59Z"]) {
      expect(win(one, iso)).toEqual(win({ period: "daily", timezone: "Europe/Berlin" }, iso));
    }
  });

  it("refuses a days period without a length", () => {
    expect(() => periodWindow({ period: "days", timezone: "UTC" }, 0)).toThrow(RangeError);
  });
});

describe("every instant lies in its window", () => {
  it("hourly samples over a year in several zones and periods", () => {
    const zones = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham"];
    const specs: PeriodSpec[] = zones.flatMap((timezone) => [
      { period: "daily", timezone },
      { period: "weekly", timezone },
      { period: "monthly", timezone },
      { period: "days", periodDays: 10, timezone, anchor: new Date("2026-01-07T12:00:00Z") },
    ]);
    const start = at("2026-01-01T00:00:00Z");
    for (const spec of specs) {
      for (let t = start; t < start + 366 * 86_400_000; t += 3_600_000 * 11 + 60_000 * 13) {
        const w = periodWindow(spec, t);
        expect(w.start.getTime()).toBeLessThanOrEqual(t);
        expect(w.resetAt.getTime()).toBeGreaterThan(t);
        // The next period starts where this one ends.
        expect(periodWindow(spec, w.resetAt.getTime()).start.getTime()).toBe(w.resetAt.getTime());
      }
    }
  });
});
