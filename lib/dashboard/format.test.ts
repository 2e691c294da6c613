import { describe, expect, it } from "vitest";
import { formatBucket, formatDateTime, formatCount, formatMs, formatPct, formatUsd, trend } from "./format";

describe("dashboard formatting", () => {
  it("formats USD by size: cents, four decimals below $1, two significant digits below a cent", () => {
    expect([formatUsd(0), formatUsd(1234.5), formatUsd(0.1234567), formatUsd(0.000042), formatUsd(null)]).toEqual(["$0.00", "$1,234.50", "$0.1235", "$0.000042", "—"]);
  });
  it("formats counts, percentages, durations and trends", () => {
    expect([formatCount(999), formatCount(1_234_567), formatCount(undefined)]).toEqual(["999", "1.2M", "—"]);
    expect([formatPct(0.1234), formatPct(null)]).toEqual(["12.3%", "—"]);
    expect([formatMs(12.4), formatMs(12_345)]).toEqual(["12 ms", "12.3 s"]);
    expect([trend(120, 100), trend(5, 0), trend(null, 3)]).toEqual([0.2, null, null]);
  });
  it("labels buckets in UTC", () => {
    expect(formatBucket("2026-03-04T05:06:00.000Z", "minute")).toBe("05:06");
    expect(formatBucket("2026-03-04T00:00:00.000Z", "day")).toBe("Mar 4");
    // Midnight is 00:00 (hour12: false gives "24:00" in some ICU versions).
    expect(formatBucket("2026-03-04T00:00:00.000Z", "hour")).toBe("00:00");
    expect(formatDateTime("2026-03-04T00:05:00.000Z")).toBe("Mar 4, 2026, 00:05 UTC");
  });
});
