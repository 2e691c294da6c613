// Embedder failures. They extend the gateway's hierarchy so that one escaping a cache stage still
// becomes a proper 503, but the semantic cache is expected to catch them and treat them as a miss.
import { ServiceUnavailableError } from "@/lib/errors";

/** The model cannot be used: weights missing, worker crashed, upstream down, or closed. */
export class EmbedderUnavailableError extends ServiceUnavailableError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, { code: "embedder_unavailable", ...opts });
  }
}

/** The weights of a local model cannot be loaded (no folder, offline): a reason to fall back. */
export class EmbedderWeightsUnavailableError extends EmbedderUnavailableError {}
