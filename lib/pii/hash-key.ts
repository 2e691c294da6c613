import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";

// On globalThis: Next may load this module twice, and a random key must be one per process.
const g = globalThis as unknown as { __helixPiiHashKey?: string };

/**
 * The per-deployment key for the `hash` action: HELIX_PII_HASH_KEY, else one derived from
 * MASTER_KEY (same on every instance, never the master key itself), else random for this process.
 */
export function piiHashKey(): string {
  if (g.__helixPiiHashKey) return g.__helixPiiHashKey;
  const e = env();
  if (e.HELIX_PII_HASH_KEY) g.__helixPiiHashKey = e.HELIX_PII_HASH_KEY;
  else if (e.MASTER_KEY) g.__helixPiiHashKey = createHash("sha256").update(`helix-pii-hash\u0000${e.MASTER_KEY}`).digest("hex");
  else {
    g.__helixPiiHashKey = randomBytes(32).toString("hex");
    logger().warn("HELIX_PII_HASH_KEY is not set: PII hash tokens are random per process (set it to keep them stable).");
  }
  return g.__helixPiiHashKey;
}
