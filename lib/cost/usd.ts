// Money leaves Helix's integer micro-USD only here: as a USD number for JSON, or as header text.

/** USD from micro-USD, for JSON (exact to the micro-dollar). */
export function usdFromMicros(micros: number): number {
  return Math.round(micros) / 1_000_000;
}

/** USD with enough decimals for a header (micro-USD precision, trailing zeros dropped). */
export function usdString(micros: number): string {
  return (micros / 1e6).toFixed(6).replace(/\.?0+$/, "") || "0";
}
