import "server-only";
import pino from "pino";
import { env } from "@/lib/env";
import { currentRequestId } from "./request-scope";

const globalForLogger = globalThis as unknown as { __helixLogger?: pino.Logger };

/**
 * Fields censored wherever a log call puts them (top level or one level down, e.g. `{headers:
 * {authorization}}` or `{req: {prompt}}`): credentials, and request content that may hold personal
 * data. Log calls pass ids, sizes and types; this is the net under them.
 */
const SECRET_FIELDS = ["authorization", "Authorization", "cookie", "apiKey", "api_key", "key", "password", "secret", "token", "masterKey"];
const CONTENT_FIELDS = ["prompt", "messages", "input", "content", "response", "responseBody", "body", "email"];
export const REDACT_PATHS = [
  ...[...SECRET_FIELDS, ...CONTENT_FIELDS].flatMap((f) => [f, `*.${f}`]),
  "headers.authorization",
  "headers.cookie",
  "headers['x-api-key']",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.headers['x-api-key']",
];

/** A logger with Helix's options (tests pass a destination to read what it writes). */
export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name: "helix",
    level,
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // Lines written while serving a request get its id even when the call does not pass it.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Structured JSON logs. One logger per process (globalThis: Next may load this module twice).
 * HELIX_DEBUG=true turns on debug lines (routing, cache, swaps, one line per finished request).
 * Never log prompts, answers or keys here; log ids, sizes and types; request lines carry `requestId`.
 */
export function logger(): pino.Logger {
  if (!globalForLogger.__helixLogger) {
    const e = env();
    globalForLogger.__helixLogger = createLogger(e.HELIX_DEBUG ? "debug" : e.NODE_ENV === "test" && e.HELIX_LOG_LEVEL === "info" ? "warn" : e.HELIX_LOG_LEVEL);
  }
  return globalForLogger.__helixLogger;
}
