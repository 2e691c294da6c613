// @ts-check
// The production server (`npm start`, the Docker image, the e2e harness and the benchmarks):
//   node server.mjs [-p 4000] [-H 0.0.0.0]
// Next.js serves everything, except the OpenAI-compatible hot path (POST /v1/chat/completions,
// /v1/embeddings and their /api/v1 twins): those go straight to the handler their route file
// exports (lib/http/fast-routes.ts), skipping Next's router, whose per-request work was about half
// of what Helix added to a request (docs/benchmarks.md). The handlers register when Next first
// loads their route, so the first request of each goes through Next: one pipeline either way.
// Plain JavaScript: it runs before and outside the Next build.
import { createServer } from "node:http";
import { parseArgs, promisify } from "node:util";
import { gzip } from "node:zlib";
import { getRequestListener } from "@hono/node-server";

// As `next start` does, before Next (and React) load: production unless told otherwise. (A launcher
// outside the app, like Next's own CLI: lib/env.ts is not loadable here.)
// eslint-disable-next-line no-restricted-properties
process.env.NODE_ENV ||= "production";
const { default: next } = await import("next");

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p", default: "4000" },
    hostname: { type: "string", short: "H", default: "0.0.0.0" },
  },
});
const port = Number(values.port);
const hostname = values.hostname;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`server.mjs: -p must be a port number, got '${values.port}'\n`);
  process.exit(2);
}

const app = next({ dev: false, dir: import.meta.dirname, hostname, port });
const nextHandler = app.getRequestHandler();
await app.prepare(); // runs instrumentation.ts: config, database, signal handlers

/** @typedef {(request: Request) => Promise<Response>} FastHandler */
const routes = /** @type {Record<symbol, Map<string, FastHandler> | undefined>} */ (/** @type {unknown} */ (globalThis));
const KEY = Symbol.for("helix.fastRoutes");
/** @type {WeakMap<FastHandler, ReturnType<typeof getRequestListener>>} */
const listeners = new WeakMap();

// A request the adapter cannot even build (e.g. a malformed Host header) or a handler that threw
// (the gateway handler answers its own errors): an OpenAI-shaped error, never a bare 500.
/** @param {unknown} err */
function errorHandler(err) {
  const bad = err instanceof Error && err.name === "RequestError";
  const message = bad ? `Malformed request: ${err.message}` : "Internal error while handling the request.";
  const type = bad ? "invalid_request_error" : "server_error";
  return Response.json({ error: { message, type, param: null, code: null } }, { status: bad ? 400 : 500 });
}

const gzipAsync = promisify(gzip);

/**
 * Next compresses answers for clients that accept gzip (`compress`, on by default, from 1 KB); the
 * fast path does the same for JSON (embeddings are large). Streams are left alone (no-transform).
 * @param {Request} request
 * @param {Response} response
 */
async function compressed(request, response) {
  const type = response.headers.get("content-type") ?? "";
  if (!response.body || !type.startsWith("application/json") || response.headers.has("content-encoding")) return response;
  if (!/\bgzip\b/i.test(request.headers.get("accept-encoding") ?? "")) return response;
  const body = Buffer.from(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.append("vary", "Accept-Encoding");
  if (body.length < 1024) return new Response(body, { status: response.status, statusText: response.statusText, headers });
  headers.set("content-encoding", "gzip");
  headers.delete("content-length");
  return new Response(await gzipAsync(body), { status: response.status, statusText: response.statusText, headers });
}

/** @param {FastHandler} handler */
function listenerFor(handler) {
  let l = listeners.get(handler);
  if (!l) {
    // overrideGlobalObjects: false — Next and Helix keep the platform's Request and Response.
    // hostname: the adapter's fallback for a request without Host (HTTP/1.0), as Next accepts it.
    l = getRequestListener(async (request) => compressed(request, await handler(request)), { overrideGlobalObjects: false, errorHandler, hostname: "localhost" });
    listeners.set(handler, l);
  }
  return l;
}

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const handler = routes[KEY]?.get(`${req.method} ${q < 0 ? url : url.slice(0, q)}`);
  if (handler) {
    // Host is case-insensitive; the adapter refuses one that URL parsing would lower-case.
    if (req.headers.host) req.headers.host = req.headers.host.toLowerCase();
    void listenerFor(handler)(req, res);
  } else {
    // The TCP peer, for what only this machine may do (lib/http/peer.ts): set here, never trusted
    // from the client. A request that came through a proxy (it says who it forwards) is not local,
    // even when the proxy itself connects over loopback. (The fast path serves only the gateway,
    // which does not read it.)
    const h = req.headers;
    h["x-helix-peer"] = h["x-forwarded-for"] || h.forwarded || h["x-real-ip"] ? "proxied" : (req.socket.remoteAddress ?? "");
    void nextHandler(req, res);
  }
});
// Idle keep-alive connections stay open longer than clients and proxies keep theirs (undici 4 s,
// nginx upstream keepalive 60 s, cloud load balancers 60 s): a server that closes first races the
// client's next request on that socket, which then fails with ECONNRESET.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// A burst of new connections (a thousand streaming clients starting at once) overflows Node's
// default accept backlog of 511: clients then wait for SYN retransmits or are reset.
server.listen({ port, host: hostname, backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), name: "helix", msg: "listening", url: `http://${hostname}:${port}` })}\n`);
});
