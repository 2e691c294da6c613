import "server-only";
import pino from "pino";
import { env } from "@/lib/env";

const globalForLogger = globalThis as unknown as { __helixLogger?: pino.Logger };

/**
 * Structured JSON logs. One logger per process (globalThis: Next may load this module twice).
 * Never log prompts, answers or keys here; log ids, sizes and types.
 */
export function logger(): pino.Logger {
  if (!globalForLogger.__helixLogger) {
    const e = env();
    globalForLogger.__helixLogger = pino({
      name: "helix",
      level: e.HELIX_DEBUG ? "debug" : e.NODE_ENV === "test" && e.HELIX_LOG_LEVEL === "info" ? "warn" : e.HELIX_LOG_LEVEL,
      base: undefined,
      redact: { paths: ["authorization", "apiKey", "key", "*.authorization", "*.apiKey"], censor: "[redacted]" },
    });
  }
  return globalForLogger.__helixLogger;
}
