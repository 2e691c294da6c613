// The one clock of cost accounting (budget periods, rate-limit windows, alerts), so tests can
// move time forward instead of waiting for midnight.
let override: (() => number) | undefined;

/** Milliseconds since the epoch. */
export function nowMs(): number {
  return override ? override() : Date.now();
}

/** Tests only: a fixed or moving clock; undefined restores the real one. */
export function setClockForTests(clock: (() => number) | number | undefined): void {
  override = typeof clock === "number" ? () => clock : clock;
}
