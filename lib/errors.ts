// One error hierarchy (house rule 2). Every failure a client can see is a HelixError, and it is
// turned into OpenAI's error shape here and nowhere else — as an HTTP body or as a final SSE event.

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HelixErrorOptions {
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class HelixError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, type: string, message: string, opts: HelixErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = status;
    this.type = type;
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.headers = opts.headers ?? {};
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400: malformed JSON or a field that breaks the schema (param names the field). */
export class InvalidRequestError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(400, "invalid_request_error", message, opts);
  }
}

/** 401: missing, unknown or revoked key. */
export class AuthenticationError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(401, "authentication_error", message, { code: "invalid_api_key", ...opts });
  }
}

/** 403: a valid key that may not do this (e.g. model not in its allow-list, admin route). */
export class PermissionDeniedError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(403, "permission_error", message, opts);
  }
}

/** 404 for a resource that does not exist. */
export class NotFoundError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(404, "invalid_request_error", message, { code: "not_found", ...opts });
  }
}

/** 409: the change clashes with what is stored (a taken name, records that still depend on it); the message says which. */
export class ConflictError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(409, "invalid_request_error", message, { code: "conflict", ...opts });
  }
}

/** 404 model_not_found, as OpenAI answers for an unknown model. */
export class ModelNotFoundError extends HelixError {
  constructor(model: string) {
    super(
      404,
      "invalid_request_error",
      `The model '${model}' does not exist or is not configured on this gateway. ` +
        "Add it to model_list in the config, or use a provider prefix (gpt-*, claude-*, gemini-*, groq/<model>).",
      { param: "model", code: "model_not_found" },
    );
  }
}

/** 405 for a method a route does not serve. */
export class MethodNotAllowedError extends HelixError {
  constructor(method: string, allowed: string[]) {
    super(405, "invalid_request_error", `Method ${method} is not allowed here; use ${allowed.join(" or ")}.`, {
      code: "method_not_allowed",
      headers: { allow: allowed.join(", ") },
    });
  }
}

/** 413: request body over the configured limit. */
export class PayloadTooLargeError extends HelixError {
  constructor(limitBytes: number) {
    super(
      413,
      "invalid_request_error",
      `Request body is larger than the gateway's limit of ${limitBytes} bytes (helix_settings.general.max_body_bytes).`,
      // The rest of the body is never read, so the connection cannot carry another request: say
      // so, or a keep-alive client would send its next request into a socket about to be cut.
      { code: "request_too_large", headers: { connection: "close" } },
    );
  }
}

/** 415: a body that is not JSON. */
export class UnsupportedMediaTypeError extends HelixError {
  constructor(contentType: string) {
    super(415, "invalid_request_error", `Content-Type '${contentType}' is not supported; send application/json.`, {
      code: "unsupported_media_type",
    });
  }
}

/** 429 from the gateway itself (rate limits, budgets) or passed through from an upstream. */
export class RateLimitError extends HelixError {
  /** The limited scope (key, user, team…), for metrics. */
  readonly scope: string | undefined;
  constructor(message: string, opts: HelixErrorOptions & { retryAfterSeconds?: number; scope?: string } = {}) {
    const headers = { ...(opts.headers ?? {}) };
    if (opts.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.ceil(opts.retryAfterSeconds));
    super(429, "rate_limit_error", message, { code: "rate_limit_exceeded", ...opts, headers });
    this.scope = opts.scope;
  }
}

/**
 * 429 budget_exceeded: a hard budget of the key, user, end user, team, organisation or the
 * gateway is spent. The message names the scope, limit, spend and reset time; retry-after points
 * at the reset (clients that honour it wait for the new period rather than hammering).
 */
export class BudgetExceededError extends HelixError {
  /** The spent budget's scope (key, user, team…), for metrics. */
  readonly scope: string | undefined;
  constructor(message: string, opts: HelixErrorOptions & { resetAt: Date; now?: number; scope?: string }) {
    const seconds = Math.max(1, Math.ceil((opts.resetAt.getTime() - (opts.now ?? Date.now())) / 1000));
    super(429, "budget_exceeded", message, {
      code: "budget_exceeded",
      ...opts,
      headers: { "retry-after": String(seconds), "x-helix-budget-reset": opts.resetAt.toISOString(), ...(opts.headers ?? {}) },
    });
    this.scope = opts.scope;
  }
}

/**
 * An upstream answered with an error. 4xx are passed through with the provider's own message so
 * the caller can fix the request; 5xx and 429 that survive retries keep their status.
 */
export class UpstreamError extends HelixError {
  readonly provider: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    provider: string,
    status: number,
    message: string,
    opts: HelixErrorOptions & { type?: string; retryAfterMs?: number } = {},
  ) {
    const retryable = status === 429 || status === 408 || status >= 500;
    const type = opts.type ?? (status === 429 ? "rate_limit_error" : status >= 500 ? "upstream_error" : "invalid_request_error");
    const headers = { ...(opts.headers ?? {}) };
    if (opts.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(opts.retryAfterMs / 1000));
    super(status >= 500 ? 502 : status, type, message, { ...opts, headers });
    this.provider = provider;
    this.retryable = retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** 502: the upstream could not be reached or sent something unreadable, after retries. */
export class BadGatewayError extends HelixError {
  readonly retryable: boolean;
  constructor(message: string, opts: HelixErrorOptions & { retryable?: boolean } = {}) {
    super(502, "upstream_error", message, { code: "upstream_unavailable", ...opts });
    this.retryable = opts.retryable ?? true;
  }
}

/** 504: the upstream did not answer in time (connect, first byte or idle stream timeout). */
export class GatewayTimeoutError extends HelixError {
  readonly retryable = true;
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(504, "timeout_error", message, { code: "upstream_timeout", ...opts });
  }
}

/** 503: the gateway cannot serve right now (e.g. shutting down, a required store down). */
export class ServiceUnavailableError extends HelixError {
  constructor(message: string, opts: HelixErrorOptions = {}) {
    super(503, "service_unavailable", message, { code: "service_unavailable", ...opts });
  }
}

/** 500: a bug. The message is generic; the cause is logged, never sent. */
export class InternalError extends HelixError {
  constructor(cause?: unknown) {
    super(500, "server_error", "The gateway failed to handle this request. It has been logged.", {
      code: "internal_error",
      cause,
    });
  }
}

/** Any thrown value as a HelixError: known ones as they are, anything else as a 500. */
export function toHelixError(err: unknown): HelixError {
  if (err instanceof HelixError) return err;
  return new InternalError(err);
}

/** The one place errors become HTTP responses. */
export function errorResponse(err: unknown, headers: Record<string, string> = {}): Response {
  const e = toHelixError(err);
  return new Response(JSON.stringify(e.toJSON()), {
    status: e.status,
    headers: { "content-type": "application/json", ...e.headers, ...headers },
  });
}

/** The one place errors become a final SSE event inside a stream that already started. */
export function errorSseEvent(err: unknown): string {
  return `data: ${JSON.stringify(toHelixError(err).toJSON())}\n\n`;
}
