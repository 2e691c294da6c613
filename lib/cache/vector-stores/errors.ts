// Vector store failures a caller can act on: the semantic cache treats them as "no semantic cache
// for this request" (a miss, never a failed request), and /health/readiness reports them.
import "server-only";
import { ServiceUnavailableError } from "@/lib/errors";

/** The backing service (Postgres, Redis) could not serve the call. */
export class VectorStoreUnavailableError extends ServiceUnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "VectorStoreUnavailableError";
  }
}
