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
import { parseArgs } from "node:util";
import { getRequestListener } from "@hono/node-server";

// As `next start` does, before Next (and React) load: production unless told otherwise. (A launcher
// outside the app, like Next's own CLI: lib/env.ts is not loadable here.)
// eslint-disable-next-line no-restricted-properties
process.env.NODE_ENV ??= "production";
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

/** @param {FastHandler} handler */
function listenerFor(handler) {
  let l = listeners.get(handler);
  if (!l) {
    // overrideGlobalObjects: false — Next and Helix keep the platform's Request and Response.
    l = getRequestListener((request) => handler(request), { overrideGlobalObjects: false, errorHandler });
    listeners.set(handler, l);
  }
  return l;
}

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const handler = routes[KEY]?.get(`${req.method} ${q < 0 ? url : url.slice(0, q)}`);
  if (handler) void listenerFor(handler)(req, res);
  else void nextHandler(req, res);
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
