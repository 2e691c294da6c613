import "server-only";
import { after } from "next/server";

/**
 * Runs `fn` once the response has been sent (Next's `after`), so accounting, logging and cache
 * writes never delay an answer. Outside a Next request scope (tests, other servers) it runs on the
 * next turn of the event loop instead.
 */
export function afterResponse(fn: () => void): void {
  try {
    after(fn);
  } catch {
    setImmediate(fn);
  }
}
