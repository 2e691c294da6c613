// Small helpers for poking at untyped JSON.

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Tool results may be strings or structured; tests compare strings. */
export function asString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
