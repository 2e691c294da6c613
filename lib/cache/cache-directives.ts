import "server-only";
import { InvalidRequestError } from "@/lib/errors";

export interface CacheDirectives {
  read: boolean;
  write: boolean;
  ttlSeconds?: number;
}

/**
 * Per-request cache control: `x-helix-cache: bypass` (neither read nor write), `no-store` (read,
 * don't write), `refresh` (don't read, write the new answer); `x-helix-cache-ttl: <seconds>`.
 */
export function cacheDirectives(request: Request): CacheDirectives {
  const mode = request.headers.get("x-helix-cache")?.trim().toLowerCase();
  let read = true;
  let write = true;
  switch (mode) {
    case undefined:
    case "":
    case "default":
      break;
    case "bypass":
      read = false;
      write = false;
      break;
    case "no-store":
      write = false;
      break;
    case "refresh":
      read = false;
      break;
    default:
      throw new InvalidRequestError(`Header x-helix-cache must be one of bypass, no-store, refresh (got '${mode}').`, {
        param: "x-helix-cache",
        code: "invalid_header",
      });
  }
  const ttlHeader = request.headers.get("x-helix-cache-ttl");
  let ttlSeconds: number | undefined;
  if (ttlHeader !== null) {
    ttlSeconds = Number(ttlHeader.trim());
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new InvalidRequestError(`Header x-helix-cache-ttl must be a positive whole number of seconds (got '${ttlHeader}').`, {
        param: "x-helix-cache-ttl",
        code: "invalid_header",
      });
    }
  }
  return { read, write, ttlSeconds };
}
