// Budget periods: when the current period of a budget started and when the next one starts, in
// the budget's IANA time zone. Pure (no server-only, no clock): callers pass the instant.
//
// Periods start at local midnight: daily every day, weekly on Monday, monthly on the 1st, and
// "days" every period_days calendar days from the local midnight of the anchor's day. Calendar
// days, not 24 h blocks, so a period never drifts by an hour across DST changes. Where a zone
// skips local midnight (DST starting at 00:00, e.g. America/Santiago, Asia/Beirut), the day
// starts at its first existing instant.
import type { BudgetPeriod } from "./cost-schema";

export interface PeriodSpec {
  period: BudgetPeriod;
  /** Length of each period for period "days". */
  periodDays?: number;
  timezone: string;
  /** Where "days" periods are counted from (its local day's midnight). */
  anchor?: Date;
}

export interface PeriodWindow {
  start: Date;
  /** The next period's start: when the budget resets. */
  resetAt: Date;
}

/** A calendar date (month 1-12); may be unnormalised (day 0, day 32) before civil(). */
interface CivilDate {
  y: number;
  m: number;
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in the zone at instant t, as if it were UTC (ms). */
function wallMs(t: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  // Years before 1 AD do not occur here; "era" is not requested.
  return Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second) + (((t % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at instant t (ms; +5:30 → 19_800_000). */
export function zoneOffsetMs(t: number, timeZone: string): number {
  return wallMs(t, timeZone) - t;
}

/** The local calendar date at instant t. */
export function localDate(t: number, timeZone: string): CivilDate {
  const w = new Date(wallMs(t, timeZone));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

/** Normalises a date (2026-13-01 → 2027-01-01, 2026-03-00 → 2026-02-28). */
function civil(c: CivilDate): CivilDate {
  const u = new Date(Date.UTC(c.y, c.m - 1, c.d));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
}

const DAY_MS = 86_400_000;
const dayNumber = (c: CivilDate) => Math.floor(Date.UTC(c.y, c.m - 1, c.d) / DAY_MS);
const sameOrAfter = (a: CivilDate, b: CivilDate) => dayNumber(a) >= dayNumber(b);

/** The first instant of local date `c` in the zone (its midnight, or the end of a DST gap over midnight). */
export function startOfLocalDay(c: CivilDate, timeZone: string): number {
  const date = civil(c);
  const wall = Date.UTC(date.y, date.m - 1, date.d);
  // Two rounds of "wall minus offset" settle on the instant when midnight exists.
  let t = wall - zoneOffsetMs(wall, timeZone);
  t = wall - zoneOffsetMs(t, timeZone);
  if (wallMs(t, timeZone) === wall) return t;
  // Midnight was skipped: the day starts at the first instant whose local date is `date`.
  // Search within a few hours around the estimate (minute precision, then exact to the ms via
  // the transition which lands on a whole minute in every zone).
  let lo = t - 6 * 3_600_000;
  let hi = t + 6 * 3_600_000;
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
    if (sameOrAfter(localDate(mid, timeZone), date)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The period containing instant t: its start and the next period's start. */
export function periodWindow(spec: PeriodSpec, t: number): PeriodWindow {
  const tz = spec.timezone;
  const today = localDate(t, tz);
  let from: CivilDate;
  let to: CivilDate;
  switch (spec.period) {
    case "daily":
      from = today;
      to = { ...today, d: today.d + 1 };
      break;
    case "weekly": {
      // getUTCDay: 0 = Sunday; weeks start on Monday.
      const sinceMonday = (new Date(Date.UTC(today.y, today.m - 1, today.d)).getUTCDay() + 6) % 7;
      from = { ...today, d: today.d - sinceMonday };
      to = { ...today, d: today.d - sinceMonday + 7 };
      break;
    }
    case "monthly":
      from = { y: today.y, m: today.m, d: 1 };
      to = { y: today.y, m: today.m + 1, d: 1 };
      break;
    case "days": {
      const n = spec.periodDays ?? 0;
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`period "days" needs period_days >= 1 (got ${spec.periodDays})`);
      const anchor = localDate((spec.anchor ?? new Date(0)).getTime(), tz);
      const k = Math.floor((dayNumber(today) - dayNumber(anchor)) / n);
      from = { ...anchor, d: anchor.d + k * n };
      to = { ...anchor, d: anchor.d + (k + 1) * n };
      break;
    }
  }
  let start = startOfLocalDay(from, tz);
  let resetAt = startOfLocalDay(to, tz);
  // Only in zones that once fell back across midnight can t sit before its own day's start;
  // it then belongs to the previous period.
  if (t < start) {
    resetAt = start;
    start = periodWindow(spec, start - 1).start.getTime();
  } else if (t >= resetAt) {
    return periodWindow(spec, resetAt);
  }
  return { start: new Date(start), resetAt: new Date(resetAt) };
}
