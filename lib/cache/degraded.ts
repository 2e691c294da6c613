import "server-only";
import { logger } from "@/lib/observability/logger";

// A cache that is down must cost a request nothing but the cache: lookups give up quickly and
// are treated as misses, writes are dropped, and the log says so once in a while, not per request.
const LOOKUP_DEADLINE_MS = 250;
let lastWarning = 0;

export function cacheUnavailable(what: string, err: unknown): void {
  const now = Date.now();
  if (now - lastWarning < 10_000) return;
  lastWarning = now;
  logger().warn({ component: "cache", err: err instanceof Error ? err.message : String(err) }, `${what} failed; serving without the cache`);
}

/** The lookup's result, or undefined when the store fails or is slower than the deadline. */
export async function lookupOrMiss<T>(what: string, lookup: Promise<T | undefined>, deadlineMs = LOOKUP_DEADLINE_MS): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  // A lookup that loses the race may still reject later: that must not become an unhandled rejection.
  lookup.catch(() => {});
  try {
    return await Promise.race([
      lookup,
      new Promise<undefined>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
      }),
    ]);
  } catch (err) {
    cacheUnavailable(what, err);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
