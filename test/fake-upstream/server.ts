// A fake LLM upstream on node:http that speaks the real wire formats of OpenAI (also Groq under
// /openai/v1), Anthropic and Google Gemini, answers deterministically and injects faults on
// demand. Used by provider tests, gateway e2e tests, benchmarks and manual smoke tests, so the
// hot path does no logging and little allocation.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildAnswer } from "./answer";
import {
  anthropicAuth,
  anthropicError,
  anthropicMessage,
  anthropicModels,
  anthropicStreamEvents,
  parseAnthropicChat,
} from "./anthropic-wire";
import { parseDirectives } from "./directives";
import {
  geminiAuth,
  geminiBatchEmbed,
  geminiEmbed,
  geminiError,
  geminiModels,
  geminiResponse,
  geminiStreamEvents,
  parseGeminiChat,
} from "./gemini-wire";
import {
  includeUsage,
  openaiCompletion,
  openaiEmbeddings,
  openaiError,
  openaiModel,
  openaiModels,
  openaiStreamEvents,
  parseOpenAIChat,
} from "./openai-wire";
import type {
  Answer,
  ChatView,
  FailSpec,
  FakeEvent,
  FakeUpstream,
  FakeUpstreamOptions,
  ProviderKind,
  RecordedRequest,
  Reply,
  StreamEvent,
} from "./types";
import { isObj } from "./util";

export type {
  FailSpec,
  FakeEvent,
  FakeEventType,
  FakeUpstream,
  FakeUpstreamOptions,
  ProviderKind,
  RecordedRequest,
} from "./types";

/** The model name every provider route answers with 404, in that provider's shape. */
export const MISSING_MODEL = "does-not-exist";

const GEMINI_ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;

/** Per-request bookkeeping for abort detection. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  provider: ProviderKind;
  /** The response or socket closed (by either side). */
  closed: boolean;
  /** We destroyed the socket on purpose ([[kill-after]]), so it is not a client abort. */
  killed: boolean;
}

interface ChatRenderer {
  json(a: Answer, seq: number): unknown;
  stream(a: Answer, seq: number, noDone: boolean): StreamEvent[];
  error(status: number): Reply;
  toolIdPrefix: string;
}

export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = opts.host ?? "127.0.0.1";
  const latencyMs = opts.latencyMs ?? 0;
  const defaultChunkDelayMs = opts.chunkDelayMs ?? 0;
  const record = opts.record ?? true;

  const requests: RecordedRequest[] = [];
  const events: FakeEvent[] = [];
  const failFirstCounts = new Map<string, number>();
  let failQueue: Array<{ remaining: number; spec: FailSpec }> = [];
  let seq = 0;
  let closing = false;

  const pushEvent = (type: FakeEvent["type"], ex: Exchange) =>
    events.push({ type, path: ex.path, provider: ex.provider, at: Date.now() });

  function sendJson(ex: Exchange, status: number, body: unknown, headers?: Record<string, string>): void {
    if (ex.closed) return;
    const text = JSON.stringify(body);
    ex.res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    ex.res.end(text);
  }

  function sendReply(ex: Exchange, reply: Reply, retryAfter?: string): void {
    const headers = { ...reply.headers };
    if (retryAfter !== undefined) headers["retry-after"] = retryAfter;
    sendJson(ex, reply.status, reply.body, headers);
  }

  function providerError(provider: ProviderKind, status: number, message?: string): Reply {
    if (provider === "anthropic") return anthropicError(status, message);
    if (provider === "gemini") return geminiError(status, message);
    return openaiError(status, message);
  }

  async function writeStream(
    ex: Exchange,
    contentType: string,
    list: StreamEvent[],
    chunkDelayMs: number,
    killAfter: number | undefined,
    stallAfter: number | undefined,
  ): Promise<void> {
    if (ex.closed) return;
    // Where to stop for kill/stall: after the Nth content event (or after the last one if fewer).
    const limit = killAfter ?? stallAfter;
    let cut = list.length;
    if (limit !== undefined) {
      const contentAt: number[] = [];
      list.forEach((e, i) => e.content && contentAt.push(i));
      if (limit === 0) cut = contentAt[0] ?? list.length;
      else if (contentAt.length > 0) cut = contentAt[Math.min(limit, contentAt.length) - 1] + 1;
    }

    ex.res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache" });
    let last = "";
    if (chunkDelayMs <= 0) {
      // One write for the whole stream keeps benchmarks cheap; SSE framing is unchanged.
      for (let i = 0; i < cut; i++) last += list[i].data;
      if (cut === list.length) {
        ex.res.end(last);
        return;
      }
    } else {
      for (let i = 0; i < cut; i++) {
        if (i > 0) {
          await sleep(chunkDelayMs);
          if (ex.closed) return;
        }
        if (i < cut - 1) ex.res.write(list[i].data);
        else last = list[i].data;
      }
      if (cut === list.length) {
        ex.res.end(last);
        return;
      }
    }
    // Make sure the events before the cut reach the client before the socket dies.
    await new Promise<void>((resolve) => (last ? ex.res.write(last, () => resolve()) : resolve()));
    if (ex.closed) return;
    if (killAfter !== undefined) {
      ex.killed = true;
      pushEvent("upstream-killed", ex);
      ex.req.socket.destroy();
    } else {
      pushEvent("stalled", ex); // leave the socket open; the client or close() ends it
    }
  }

  async function chat(ex: Exchange, view: ChatView, r: ChatRenderer, streamContentType: string): Promise<void> {
    const d = parseDirectives(view.lastUserText);
    const delay = d.delayMs ?? latencyMs;
    if (delay > 0) {
      await sleep(delay);
      if (ex.closed) return;
    }
    if (d.status && d.status.status >= 400) return sendReply(ex, r.error(d.status.status), d.status.retryAfter);
    if (d.failFirst) {
      const seen = failFirstCounts.get(d.failFirst.key) ?? 0;
      if (seen < d.failFirst.n) {
        failFirstCounts.set(d.failFirst.key, seen + 1);
        return sendReply(ex, r.error(d.failFirst.status), d.failFirst.retryAfter);
      }
    }
    const n = ++seq;
    const answer = buildAnswer(view, d, n, r.toolIdPrefix);
    if (!view.stream) {
      // Without a stream, kill-after drops the connection and stall-after never answers.
      if (d.killAfter !== undefined) {
        ex.killed = true;
        pushEvent("upstream-killed", ex);
        ex.req.socket.destroy();
        return;
      }
      if (d.stallAfter !== undefined) {
        pushEvent("stalled", ex);
        return;
      }
      return sendJson(ex, 200, r.json(answer, n));
    }
    await writeStream(
      ex,
      streamContentType,
      r.stream(answer, n, d.noDone),
      d.chunkDelayMs ?? defaultChunkDelayMs,
      d.killAfter,
      d.stallAfter,
    );
  }

  async function delayLatency(ex: Exchange): Promise<boolean> {
    if (latencyMs > 0) await sleep(latencyMs);
    return !ex.closed;
  }

  async function handleOpenAI(ex: Exchange, method: string, route: string, body: unknown, parseFailed: boolean) {
    const auth = ex.req.headers.authorization;
    const key = typeof auth === "string" ? /^Bearer\s+(\S+)/i.exec(auth)?.[1] : undefined;
    if (!key) {
      return sendJson(ex, 401, {
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: "invalid_request_error",
          param: null,
          code: null,
        },
      });
    }
    if (key.startsWith("invalid")) return sendReply(ex, openaiError(401, `Incorrect API key provided: ${key.slice(0, 6)}***.`));

    if (method === "GET" && route === "/v1/models") {
      if (await delayLatency(ex)) sendJson(ex, 200, openaiModels());
      return;
    }
    if (method === "GET" && route.startsWith("/v1/models/")) {
      const id = decodeURIComponent(route.slice("/v1/models/".length));
      if (!(await delayLatency(ex))) return;
      if (id === MISSING_MODEL) return sendReply(ex, modelNotFound(id));
      return sendJson(ex, 200, openaiModel(id));
    }
    if (method !== "POST" || (route !== "/v1/chat/completions" && route !== "/v1/embeddings")) {
      return sendReply(ex, openaiError(404, `Invalid URL (${method} ${ex.path})`));
    }
    if (parseFailed) {
      return sendReply(
        ex,
        openaiError(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)"),
      );
    }
    const model = isObj(body) ? body.model : undefined;
    if (route === "/v1/embeddings") {
      const reply = openaiEmbeddings(body);
      if (reply.status === 200 && model === MISSING_MODEL) return sendReply(ex, modelNotFound(MISSING_MODEL));
      if (await delayLatency(ex)) sendReply(ex, reply);
      return;
    }
    const view = parseOpenAIChat(body);
    if ("status" in view) return sendReply(ex, view);
    if (view.model === MISSING_MODEL) return sendReply(ex, modelNotFound(view.model));
    const withUsage = includeUsage(body);
    const created = Math.floor(Date.now() / 1000);
    await chat(
      ex,
      view,
      {
        json: (a, n) => openaiCompletion(view.model, a, n, created),
        stream: (a, n, noDone) => openaiStreamEvents(view.model, a, n, created, withUsage, noDone),
        error: (status) => openaiError(status),
        toolIdPrefix: "call_fake",
      },
      "text/event-stream; charset=utf-8",
    );
  }

  async function handleAnthropic(ex: Exchange, method: string, route: string, body: unknown, parseFailed: boolean) {
    const auth = anthropicAuth(ex.req.headers);
    if (auth) return sendReply(ex, auth);
    if (method === "GET" && route === "/v1/models") {
      if (await delayLatency(ex)) sendJson(ex, 200, anthropicModels());
      return;
    }
    if (method !== "POST" || route !== "/v1/messages") return sendReply(ex, anthropicError(404, "Not Found"));
    if (parseFailed) return sendReply(ex, anthropicError(400, "There was an error parsing the body of your request."));
    const view = parseAnthropicChat(body);
    if ("status" in view) return sendReply(ex, view);
    if (view.model === MISSING_MODEL) return sendReply(ex, anthropicError(404, `model: ${view.model}`));
    await chat(
      ex,
      view,
      {
        json: (a, n) => anthropicMessage(view.model, a, n),
        stream: (a, n, noDone) => anthropicStreamEvents(view.model, a, n, noDone),
        error: (status) => anthropicError(status),
        toolIdPrefix: "toolu_fake",
      },
      "text/event-stream; charset=utf-8",
    );
  }

  async function handleGemini(
    ex: Exchange,
    method: string,
    route: RegExpExecArray | null,
    query: Record<string, string>,
    body: unknown,
    parseFailed: boolean,
  ) {
    const auth = geminiAuth(ex.req.headers, query);
    if (auth) return sendReply(ex, auth);
    if (!route) {
      if (method === "GET") {
        if (await delayLatency(ex)) sendJson(ex, 200, geminiModels());
        return;
      }
      return sendReply(ex, geminiError(404, `Not found: ${method} ${ex.path}`));
    }
    const [, version, model, action] = route;
    if (method !== "POST") return sendReply(ex, geminiError(404, `Not found: ${method} ${ex.path}`));
    if (parseFailed) return sendReply(ex, geminiError(400, "Invalid JSON payload received."));
    if (model === MISSING_MODEL) {
      return sendReply(
        ex,
        geminiError(404, `models/${model} is not found for API version ${version}, or is not supported for ${action}.`),
      );
    }
    if (action === "embedContent" || action === "batchEmbedContents") {
      const reply = action === "embedContent" ? geminiEmbed(body) : geminiBatchEmbed(body);
      if (await delayLatency(ex)) sendReply(ex, reply);
      return;
    }
    if (action !== "generateContent" && action !== "streamGenerateContent") {
      return sendReply(ex, geminiError(404, `Method ${action} is not served by the fake upstream.`));
    }
    const stream = action === "streamGenerateContent";
    const sse = query.alt === "sse";
    const view = parseGeminiChat(model, body, stream);
    if ("status" in view) return sendReply(ex, view);
    await chat(
      ex,
      view,
      {
        json: (a, n) => geminiResponse(model, a, n),
        stream: (a, n, noDone) => {
          const list = geminiStreamEvents(model, a, n, noDone);
          return sse ? list : asJsonArray(list, noDone);
        },
        error: (status) => geminiError(status),
        toolIdPrefix: "call_fake",
      },
      sse ? "text/event-stream" : "application/json; charset=UTF-8",
    );
  }

  function modelNotFound(model: string): Reply {
    return openaiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
      code: "model_not_found",
    });
  }

  /** Test hooks over HTTP, for a fake running in another process. Never recorded. */
  function handleControl(ex: Exchange, method: string, route: string, body: unknown) {
    if (method === "GET" && route === "/__fake/requests") return sendJson(ex, 200, { requests });
    if (method === "GET" && route === "/__fake/events") return sendJson(ex, 200, { events });
    if (method === "POST" && route === "/__fake/reset") {
      api.reset();
      return sendJson(ex, 200, { ok: true });
    }
    if (method === "POST" && route === "/__fake/fail-next" && isObj(body) && typeof body.n === "number" && typeof body.status === "number") {
      api.failNext(body.n, {
        status: body.status,
        retryAfter: typeof body.retryAfter === "string" ? body.retryAfter : undefined,
        body: body.body,
      });
      return sendJson(ex, 200, { ok: true });
    }
    return sendJson(ex, 404, { error: "unknown control route" });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const qAt = url.indexOf("?");
    const path = qAt < 0 ? url : url.slice(0, qAt);
    const query: Record<string, string> = {};
    if (qAt >= 0) for (const [k, v] of new URLSearchParams(url.slice(qAt + 1))) query[k] = v;
    const method = req.method ?? "GET";

    // Groq's base URL is https://api.groq.com/openai/v1: same API under a prefix.
    const route = path.startsWith("/openai/v1/") ? path.slice("/openai".length) : path;
    const geminiRoute = GEMINI_ROUTE.exec(path);
    let provider: ProviderKind = "unknown";
    if (geminiRoute || /^\/v1(beta|alpha)\/models\/?$/.test(path)) provider = "gemini";
    else if (route === path && route.startsWith("/v1/messages")) provider = "anthropic";
    else if (route === "/v1/models" && route === path && req.headers["anthropic-version"] !== undefined) provider = "anthropic";
    else if (route.startsWith("/v1/")) provider = "openai";

    const ex: Exchange = { req, res, path, provider, closed: false, killed: false };
    res.on("close", () => {
      ex.closed = true;
      if (!res.writableFinished && !ex.killed && !closing) pushEvent("client-aborted", ex);
    });

    let body: unknown;
    let parseFailed = false;
    if (method !== "GET" && method !== "HEAD") {
      let raw: string;
      try {
        raw = await readBody(req);
      } catch {
        return; // the client went away while sending; "close" recorded it
      }
      if (raw !== "") {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
          parseFailed = true;
        }
      } else parseFailed = true;
    }

    if (path.startsWith("/__fake/")) return handleControl(ex, method, path, body);
    if (path === "/" || path === "/health") return sendJson(ex, 200, { ok: true, fake: "helix-fake-upstream" });

    if (record) {
      requests.push({ method, path, query, headers: req.headers, body, provider, at: Date.now() });
    }

    const failing = failQueue[0];
    if (failing) {
      if (--failing.remaining <= 0) failQueue.shift();
      if (!(await delayLatency(ex))) return;
      const reply = failing.spec.body !== undefined ? { status: failing.spec.status, body: failing.spec.body } : providerError(provider, failing.spec.status);
      return sendReply(ex, reply, failing.spec.retryAfter);
    }

    if (provider === "openai") return handleOpenAI(ex, method, route, body, parseFailed);
    if (provider === "anthropic") return handleAnthropic(ex, method, route, body, parseFailed);
    if (provider === "gemini") return handleGemini(ex, method, geminiRoute, query, body, parseFailed);
    return sendReply(ex, openaiError(404, `Invalid URL (${method} ${path})`));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake must show up in the test, not hang it.
      if (!res.headersSent) sendJson({ req, res, path: "", provider: "unknown", closed: false, killed: false }, 500, {
        error: { message: `fake upstream crashed: ${String(err)}`, type: "server_error", param: null, code: null },
      });
      else res.destroy();
    });
  });
  // Long keep-alive so clients (undici pools) reuse sockets across a benchmark; no request timeout
  // so stall tests decide themselves when to give up.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  const api: FakeUpstream = {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    events,
    failNext(n: number, spec: FailSpec): void {
      if (n > 0) failQueue.push({ remaining: n, spec });
    },
    reset(): void {
      requests.length = 0;
      events.length = 0;
      failQueue = [];
      failFirstCounts.clear();
      seq = 0;
    },
    close(): Promise<void> {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // stalled streams would otherwise keep close() waiting
      });
    },
  };
  return api;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("aborted")));
  });
}

/** Without ?alt=sse the real API streams one JSON array of the same responses. */
function asJsonArray(list: StreamEvent[], noDone: boolean): StreamEvent[] {
  const out = list.map((e, i) => ({
    data: (i === 0 ? "[" : ",\r\n") + e.data.slice("data: ".length, -2),
    content: e.content,
  }));
  if (!noDone) out.push({ data: "]", content: false });
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
