// Chart series from rollup rows: every bucket of the range present (zeros where there was no
// traffic), so a quiet hour shows as a dip, not as a line drawn straight across it.
import type { Granularity } from "./ranges";

const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export type SeriesRow = { bucket: string } & Record<string, number | string>;

/** Rows for every bucket in [from, to), with `keys` set to 0 where `rows` has no bucket. */
export function fillBuckets<T extends SeriesRow>(rows: readonly T[], from: string, to: string, granularity: Granularity, keys: readonly string[]): SeriesRow[] {
  const step = STEP_MS[granularity];
  const byTime = new Map(rows.map((r) => [new Date(r.bucket).getTime(), r]));
  const out: SeriesRow[] = [];
  const end = new Date(to).getTime();
  // At most a few thousand points (365 days, 6 hours of minutes); guard against a bad range.
  for (let t = new Date(from).getTime(), n = 0; t < end && n < 10_000; t += step, n++) {
    const row = byTime.get(t);
    const filled: SeriesRow = { bucket: new Date(t).toISOString() };
    for (const k of keys) filled[k] = row && typeof row[k] === "number" ? row[k] : 0;
    if (row) for (const [k, v] of Object.entries(row)) if (!(k in filled)) filled[k] = v;
    out.push(filled);
  }
  return out;
}
