import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { after } from "next/server";

// Requests served by server.mjs's fast path run outside any Next request scope, where `after`
// throws (and building that error costs more than the rest of this function): they say so here.
const outsideNext = new AsyncLocalStorage<true>();

/** Runs `fn` (a request handler served without Next) so afterResponse knows not to try `after`. */
export function runOutsideNext<T>(fn: () => T): T {
  return outsideNext.run(true, fn);
}

/**
 * Runs `fn` once the response has been sent (Next's `after`), so accounting, logging and cache
 * writes never delay an answer. Outside a Next request scope (the fast path, tests, other servers)
 * it runs on the next turn of the event loop instead, after the response was handed to the socket.
 */
export function afterResponse(fn: () => void): void {
  if (outsideNext.getStore()) {
    setImmediate(fn);
    return;
  }
  try {
    after(fn);
  } catch {
    setImmediate(fn);
  }
}
