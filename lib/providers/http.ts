// The one HTTP transport to upstream providers. All providers share one keep-alive pool (undici),
// the same timeout rules and the same mapping of transport failures to lib/errors.ts, so retries
// and fallbacks in the gateway can treat every provider alike.
import "server-only";
import { Agent, request, type Dispatcher } from "undici";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { BadGatewayError, GatewayTimeoutError, HelixError, UpstreamError } from "@/lib/errors";
import type { CallOptions } from "./types";

/** Pool settings shared by every upstream origin. */
export const POOL_OPTIONS = {
  // Idle sockets are kept a little while: most gateway traffic is bursts to few origins, and a
  // fresh TLS handshake costs more than the request overhead we want to save. Servers that announce
  // a shorter keep-alive are honoured by undici (keepAliveTimeoutThreshold).
  keepAliveTimeout: 15_000,
  keepAliveMaxTimeout: 60_000,
  // Per origin. LLM calls are long-lived; a low cap would queue requests behind slow streams.
  connections: 256,
  // No pipelining: a slow generation would block every request queued behind it on the socket.
  pipelining: 1,
} as const;

// undici sets the connect timeout per Agent, so there is one Agent per connect timeout in use
// (in practice one or two); each is a full keep-alive pool shared by all providers.
const agents = new Map<number, Agent>();

/** The shared pool for a connect timeout. */
export function upstreamAgent(connectMs: number): Dispatcher {
  let agent = agents.get(connectMs);
  if (!agent) {
    agent = new Agent({ ...POOL_OPTIONS, connect: { timeout: connectMs } });
    agents.set(connectMs, agent);
  }
  return agent;
}

/** Closes every pooled connection (graceful shutdown, tests). */
export async function closeUpstreamPool(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

export interface UpstreamCall {
  /** Provider id, used in error messages and UpstreamError.provider. */
  provider: string;
  url: string;
  method?: "POST" | "GET";
  headers?: Record<string, string>;
  /** Serialized as JSON. */
  body?: unknown;
}

export type SseEvent = EventSourceMessage;

/** An upstream SSE response whose status was 2xx. Iterate once; `close()` hangs up early. */
export interface EventStream extends AsyncIterable<SseEvent> {
  close(): void;
}

type Headers = Record<string, string | string[] | undefined>;

const MAX_ERROR_BODY_CHARS = 64 * 1024;

/** POSTs JSON and returns the parsed JSON answer. The whole exchange must fit in `firstByteMs`. */
export async function requestJson<T>(call: UpstreamCall, opts: CallOptions): Promise<T> {
  const ex = new Exchange(call, opts, "json");
  try {
    const res = await ex.send();
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadGatewayError(
        `${call.provider} returned an unreadable response (status ${res.statusCode}, not JSON): ${snippet(withoutCredentials(text, call.headers))}`,
      );
    }
    if (parsed === null || typeof parsed !== "object") {
      throw new BadGatewayError(`${call.provider} returned an unexpected response body: ${snippet(withoutCredentials(text, call.headers))}`);
    }
    return parsed as T;
  } catch (err) {
    throw ex.classify(err);
  } finally {
    ex.finish();
  }
}

/**
 * POSTs JSON and returns the SSE stream once the upstream answered 2xx (errors before that are
 * thrown from here, so they can still be retried). While iterating, a silence longer than
 * `idleMs` throws GatewayTimeoutError and a connection that dies throws BadGatewayError. The
 * iterator just ends at the end of the body: whether that end was legitimate (a terminator was
 * seen) is the provider's call — see `unexpectedEnd`.
 */
export async function requestEventStream(call: UpstreamCall, opts: CallOptions): Promise<EventStream> {
  const ex = new Exchange(call, opts, "sse");
  let res: Dispatcher.ResponseData;
  try {
    res = await ex.send();
  } catch (err) {
    ex.finish();
    throw ex.classify(err);
  }
  const type = String(res.headers["content-type"] ?? "");
  if (type.includes("json")) {
    // A 200 JSON answer to a stream request: an error object some servers send this way, or a
    // server that ignored `stream: true`. Either way there is no stream to hand out.
    const text = withoutCredentials(await res.body.text().catch(() => ""), call.headers);
    ex.finish();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const e = parsed && typeof parsed === "object" ? (Array.isArray(parsed) ? parsed[0] : parsed) : undefined;
    if (e && typeof e === "object" && "error" in e) throw streamedUpstreamError(call.provider, parsed);
    throw new BadGatewayError(`${call.provider} answered a stream request with JSON instead of an event stream: ${snippet(text)}`);
  }
  ex.headersReceived();
  return ex.events(res);
}

/** The error for a stream that ended without its terminator. */
export function unexpectedEnd(provider: string, detail: string): BadGatewayError {
  return new BadGatewayError(`${provider} stream ended unexpectedly (${detail})`);
}

/**
 * One request's lifecycle: an internal AbortController follows the caller's signal and the
 * deadline, so either tears down the socket; errors are classified knowing which one fired.
 */
class Exchange {
  private readonly controller = new AbortController();
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private timedOut: HelixError | undefined;
  private readonly onCallerAbort: () => void;

  constructor(
    private readonly call: UpstreamCall,
    private readonly opts: CallOptions,
    private readonly mode: "json" | "sse",
  ) {
    this.onCallerAbort = () => this.controller.abort(opts.signal.reason);
    if (opts.signal.aborted) this.controller.abort(opts.signal.reason);
    else opts.signal.addEventListener("abort", this.onCallerAbort, { once: true });
    const ms = opts.timeouts.firstByteMs;
    this.deadline = setTimeout(() => {
      this.timedOut = new GatewayTimeoutError(
        mode === "json"
          ? `${call.provider} did not answer within ${ms} ms`
          : `${call.provider} did not start streaming within ${ms} ms`,
      );
      this.controller.abort(this.timedOut);
    }, ms);
  }

  async send(): Promise<Dispatcher.ResponseData> {
    if (this.opts.signal.aborted) throw this.opts.signal.reason;
    const { call, opts } = this;
    const headers: Record<string, string> = {
      accept: this.mode === "sse" ? "text/event-stream" : "application/json",
      ...call.headers,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers["content-type"] = "application/json";
    }
    const res = await request(call.url, {
      method: call.method ?? "POST",
      headers,
      body,
      dispatcher: upstreamAgent(opts.timeouts.connectMs),
      signal: this.controller.signal,
      // Backstops only: our own deadline/idle timers fire first and give better messages.
      headersTimeout: opts.timeouts.firstByteMs + 1_000,
      bodyTimeout: (this.mode === "sse" ? opts.timeouts.idleMs : opts.timeouts.firstByteMs) + 1_000,
    });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = withoutCredentials(await readCapped(res.body, MAX_ERROR_BODY_CHARS), call.headers);
      if (res.statusCode < 400) {
        // Redirects are not followed (a POST body must not be replayed elsewhere); they nearly
        // always mean a wrong base URL, which is the operator's to fix, not the client's.
        throw new BadGatewayError(
          `${call.provider} answered HTTP ${res.statusCode} (a redirect): check the base URL configured for it.`,
          { retryable: false },
        );
      }
      throw upstreamErrorFrom(call.provider, res.statusCode, res.headers, text);
    }
    return res;
  }

  headersReceived(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  finish(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.opts.signal.removeEventListener("abort", this.onCallerAbort);
  }

  /** Turns whatever was thrown into the error the gateway should see. */
  classify(err: unknown, streaming = false): unknown {
    // The caller hung up or gave up: that is not an upstream failure, so its reason goes back as-is.
    if (this.opts.signal.aborted) return this.opts.signal.reason;
    if (this.timedOut) return this.timedOut;
    if (err instanceof HelixError) return err;
    return transportError(this.call, err, streaming);
  }

  events(res: Dispatcher.ResponseData): EventStream {
    const body = res.body;
    const { call, opts } = this;
    let started = false;
    let done = false;
    const close = () => {
      if (!done) {
        done = true;
        // Destroying an unfinished undici body aborts the request, which closes the socket.
        if (!body.destroyed) body.destroy();
        this.finish();
      }
    };
    const classify = (err: unknown) => this.classify(err, true);

    async function* iterate(): AsyncGenerator<SseEvent> {
      const queue: SseEvent[] = [];
      const parser = createParser({ onEvent: (e) => queue.push(e) });
      const decoder = new TextDecoder();
      const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let idle: HelixError | undefined;
      try {
        for (;;) {
          const timer = setTimeout(() => {
            idle = new GatewayTimeoutError(`${call.provider} stream was idle for more than ${opts.timeouts.idleMs} ms`);
            body.destroy(idle);
          }, opts.timeouts.idleMs);
          let r: IteratorResult<Buffer>;
          try {
            r = await chunks.next();
          } finally {
            clearTimeout(timer);
          }
          if (r.done) break;
          parser.feed(decoder.decode(r.value, { stream: true }));
          while (queue.length > 0) yield queue.shift()!;
        }
        parser.feed(decoder.decode());
        // A last event without its blank line is still an event.
        parser.reset({ consume: true });
        while (queue.length > 0) yield queue.shift()!;
      } catch (err) {
        if (idle && !opts.signal.aborted) throw idle;
        throw classify(err);
      } finally {
        close();
      }
    }

    const gen = iterate();
    return {
      [Symbol.asyncIterator]() {
        if (started) throw new Error("An upstream event stream can be iterated only once");
        started = true;
        return gen;
      },
      close() {
        // A generator that never started does not run its finally on return(), so close here too.
        close();
        gen.return(undefined).catch(() => undefined);
      },
    };
  }
}

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== "object") return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string") return e.code;
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  if (Array.isArray(e.errors)) for (const inner of e.errors) { const c = errorCode(inner); if (c) return c; }
  if (e.cause) return errorCode(e.cause);
  return undefined;
}

function transportError(call: UpstreamCall, err: unknown, streaming: boolean): HelixError {
  const code = errorCode(err);
  const msg = err instanceof Error && err.message ? err.message : code ?? String(err);
  const where = hostOf(call.url);
  if (code && TIMEOUT_CODES.has(code)) {
    return new GatewayTimeoutError(`${call.provider} timed out (${where}): ${msg}`, { cause: err });
  }
  if (streaming) return new BadGatewayError(`${call.provider} stream ended unexpectedly: ${msg}`, { cause: err });
  if (code === "UND_ERR_INVALID_ARG" || err instanceof TypeError) {
    return new BadGatewayError(`${call.provider} request could not be sent to '${where}': ${msg}`, {
      cause: err,
      retryable: false,
    });
  }
  if (code && CONNECT_CODES.has(code)) {
    return new BadGatewayError(`Could not reach ${call.provider} at ${where}: ${msg}`, { cause: err });
  }
  return new BadGatewayError(`${call.provider} request failed (${where}): ${msg}`, { cause: err });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}

async function readCapped(body: Dispatcher.ResponseData["body"], maxChars: number): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Buffer>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length >= maxChars) {
      body.destroy();
      break;
    }
  }
  return text;
}

/** Headers whose values are the credentials we send upstream (Authorization, x-api-key, x-goog-api-key…). */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret/i;

/**
 * An upstream's error text without the credentials we sent it: some servers and proxies quote the
 * key they were given, and the text reaches the client, the logs and the request log.
 */
export function withoutCredentials(text: string, headers: Record<string, string> | undefined): string {
  if (!headers) return text;
  let out = text;
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADER.test(name)) continue;
    const secret = value.replace(/^(bearer|basic|token)\s+/i, "").trim();
    if (secret.length >= 8) out = out.split(secret).join("****");
  }
  return out;
}

function snippet(text: string): string {
  const t = text.trim();
  return t === "" ? "(empty body)" : t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Retry delay an upstream asked for: `retry-after-ms` (OpenAI), `Retry-After` in seconds or as an
 * HTTP-date, else Google's RetryInfo in the error body ("retryDelay": "12s").
 */
export function parseRetryAfterMs(headers: Headers, body?: unknown, now = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Math.round(Number(ms)));
  const ra = header(headers, "retry-after");
  if (ra !== undefined) {
    if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Math.round(Number(ra) * 1000));
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const details = (errorObject(body) as { details?: unknown } | undefined)?.details;
  if (Array.isArray(details)) {
    for (const d of details) {
      const delay = (d as { retryDelay?: unknown } | null)?.retryDelay;
      const m = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

function errorObject(body: unknown): unknown {
  // Gemini's streaming errors come as a one-element array.
  const b = Array.isArray(body) ? body[0] : body;
  if (!b || typeof b !== "object") return undefined;
  const e = (b as { error?: unknown }).error;
  return e && typeof e === "object" ? e : b;
}

/**
 * The provider's own message from its error body: OpenAI/Groq/Gemini `{error:{message}}`,
 * Anthropic `{type:"error",error:{message}}`, FastAPI-style servers (vLLM) `{detail}`,
 * `{error:"..."}` (Ollama), else the raw text.
 */
export function extractUpstreamMessage(body: unknown, rawText: string, status: number): string {
  const b = Array.isArray(body) ? body[0] : body;
  if (b && typeof b === "object") {
    const rec = b as Record<string, unknown>;
    if (typeof rec.error === "string") return rec.error;
    const e = errorObject(b) as Record<string, unknown> | undefined;
    if (e && typeof e.message === "string" && e.message !== "") return e.message;
    if (typeof rec.message === "string") return rec.message;
    if (typeof rec.detail === "string") return rec.detail;
    if (Array.isArray(rec.detail)) return JSON.stringify(rec.detail).slice(0, 500);
  }
  const t = rawText.trim();
  return t === "" ? `upstream answered HTTP ${status}` : snippet(t);
}

/** An UpstreamError for a non-2xx answer, keeping the provider's message, code and param. */
export function upstreamErrorFrom(provider: string, status: number, headers: Headers, text: string): UpstreamError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const e = errorObject(body) as Record<string, unknown> | undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const param = typeof e?.param === "string" ? e.param : undefined;
  return new UpstreamError(provider, status, extractUpstreamMessage(body, text, status), {
    retryAfterMs: parseRetryAfterMs(headers, body),
    code,
    param,
  });
}

/** An error object sent inside a 200 stream (`data: {"error": ...}`), as an UpstreamError. */
/** `scrub`: removes what must not be repeated (withoutCredentials with the headers sent). */
export function streamedUpstreamError(provider: string, payload: unknown, status = 500, scrub: (text: string) => string = (t) => t): UpstreamError {
  const e = errorObject(payload) as Record<string, unknown> | undefined;
  const numeric = typeof e?.code === "number" ? e.code : typeof e?.status === "number" ? e.status : undefined;
  const st = numeric !== undefined && numeric >= 400 && numeric < 600 ? numeric : status;
  return new UpstreamError(provider, st, scrub(`${extractUpstreamMessage(payload, JSON.stringify(payload), st)}`), {
    code: typeof e?.code === "string" ? e.code : undefined,
  });
}
