import { describe, expect, it } from "vitest";
import { BadGatewayError, UpstreamError } from "@/lib/errors";
import { extractUpstreamMessage, parseRetryAfterMs, requestJson, streamedUpstreamError, upstreamErrorFrom, withoutCredentials } from "./http";

const timeouts = { connectMs: 1_000, firstByteMs: 2_000, idleMs: 1_000 };

describe("parseRetryAfterMs", () => {
  it("reads seconds, HTTP dates and retry-after-ms", () => {
    expect(parseRetryAfterMs({ "retry-after": "2" })).toBe(2_000);
    expect(parseRetryAfterMs({ "retry-after": "1.5" })).toBe(1_500);
    expect(parseRetryAfterMs({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }, undefined, now)).toBe(30_000);
    expect(parseRetryAfterMs({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }, undefined, now)).toBe(0);
    expect(parseRetryAfterMs({})).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
  });

  it("falls back to Google's RetryInfo in the error body", () => {
    const body = { error: { code: 429, details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" }] } };
    expect(parseRetryAfterMs({}, body)).toBe(12_000);
  });
});

describe("extractUpstreamMessage", () => {
  it("finds each provider's message", () => {
    const openai = { error: { message: "Invalid 'messages'", type: "invalid_request_error", param: "messages", code: null } };
    expect(extractUpstreamMessage(openai, "", 400)).toBe("Invalid 'messages'");
    const anthropic = { type: "error", error: { type: "invalid_request_error", message: "max_tokens: too big" } };
    expect(extractUpstreamMessage(anthropic, "", 400)).toBe("max_tokens: too big");
    const gemini = [{ error: { code: 400, message: "API key not valid", status: "INVALID_ARGUMENT" } }];
    expect(extractUpstreamMessage(gemini, "", 400)).toBe("API key not valid");
    expect(extractUpstreamMessage({ detail: "model not loaded" }, "", 404)).toBe("model not loaded");
    expect(extractUpstreamMessage({ error: "model 'x' not found" }, "", 404)).toBe("model 'x' not found");
    expect(extractUpstreamMessage(undefined, "<html>Bad gateway</html>", 502)).toBe("<html>Bad gateway</html>");
    expect(extractUpstreamMessage(undefined, "", 503)).toBe("upstream answered HTTP 503");
  });
});

describe("upstreamErrorFrom", () => {
  it("keeps status, message, code, param and retry-after", () => {
    const text = JSON.stringify({ error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } });
    const e = upstreamErrorFrom("openai", 429, { "retry-after": "3" }, text);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.status).toBe(429);
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(3_000);
    expect(e.message).toBe("Rate limit reached");
    expect(e.code).toBe("rate_limit_exceeded");
    expect(e.headers["retry-after"]).toBe("3");
  });

  it("4xx are not retryable and 5xx become 502", () => {
    expect(upstreamErrorFrom("groq", 400, {}, "{}").retryable).toBe(false);
    const e5 = upstreamErrorFrom("groq", 503, {}, "overloaded");
    expect(e5.status).toBe(502);
    expect(e5.retryable).toBe(true);
    expect(e5.message).toBe("overloaded");
  });

  it("streamed errors take the status from the payload when there is one", () => {
    expect(streamedUpstreamError("gemini", { error: { code: 429, message: "quota" } }).status).toBe(429);
    expect(streamedUpstreamError("openai", { error: { message: "boom", code: "server_error" } }).code).toBe("server_error");
  });
});

describe("withoutCredentials", () => {
  it("removes the credential header values we sent from an upstream's text, not other headers'", () => {
    const headers = { authorization: "Bearer sk-live-abcdefgh1234", "x-goog-api-key": "AIzaSecretValue99", "anthropic-version": "2023-06-01", "x-api-key": "short" };
    expect(withoutCredentials("Invalid key sk-live-abcdefgh1234 (or AIzaSecretValue99) for 2023-06-01; short", headers)).toBe(
      "Invalid key **** (or ****) for 2023-06-01; short",
    );
    expect(withoutCredentials("anything", undefined)).toBe("anything");
  });

  it("an error answer quoting the key never carries it into the UpstreamError", async () => {
    const http = await import("node:http");
    const key = "sk-quoted-0123456789abcdef";
    const server = http.createServer((req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `Invalid API key provided: ${req.headers.authorization?.slice(7)}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      const err = await requestJson({ provider: "openai", url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: {} }, {
        signal: new AbortController().signal,
        timeouts,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as Error).message).toBe("Invalid API key provided: ****");
    } finally {
      server.close();
    }
  });
});

describe("transport failures", () => {
  it("connection refused → retryable BadGatewayError", async () => {
    const net = await import("node:net");
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const err = await requestJson({ provider: "openai", url: `http://127.0.0.1:${port}/v1/chat/completions`, body: {} }, {
      signal: new AbortController().signal,
      timeouts,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as BadGatewayError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/Could not reach openai/);
  });

  it("an already-aborted signal throws its reason without calling out", async () => {
    const ac = new AbortController();
    const reason = new Error("client went away");
    ac.abort(reason);
    const err = await requestJson({ provider: "openai", url: "http://127.0.0.1:9/x", body: {} }, { signal: ac.signal, timeouts }).catch(
      (e: unknown) => e,
    );
    expect(err).toBe(reason);
  });

  it("an invalid URL is a non-retryable BadGatewayError", async () => {
    const err = await requestJson({ provider: "openai-compatible", url: "not a url", body: {} }, {
      signal: new AbortController().signal,
      timeouts,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as BadGatewayError).retryable).toBe(false);
  });

});
