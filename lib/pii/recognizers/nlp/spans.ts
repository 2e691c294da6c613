// Shared bookkeeping for the NLP rules: the spans found so far, so that a later rule does not
// claim a word an earlier, more specific one already explained ("Georgia" in an address is not a
// person; "American" claimed as NRP is not a place).

export interface Found {
  entityType: string;
  start: number;
  end: number;
  score: number;
  /** Which rule produced it: kept for the benchmark's error analysis, never logged with text. */
  rule: string;
}

export class Claims {
  readonly found: Found[] = [];

  overlaps(start: number, end: number): boolean {
    for (const f of this.found) if (start < f.end && f.start < end) return true;
    return false;
  }

  add(f: Found): void {
    if (f.end > f.start) this.found.push(f);
  }
}
