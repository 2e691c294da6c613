import "server-only";
import { errorResponse, toHelixError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { withRequestId } from "@/lib/observability/request-scope";
import { newRequestId } from "./request-id";

type Handler<C> = (request: Request, context: C) => Promise<Response | unknown>;

/**
 * Wraps a non-pipeline route (models, health, admin): returns what the handler gives as JSON and
 * turns any thrown error into the one OpenAI-shaped error, so route files stay free of try/catch.
 */
export function jsonRoute<C = unknown>(handler: Handler<C>): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    const requestId = newRequestId();
    const started = performance.now();
    try {
      const out = await withRequestId(requestId, () => handler(request, context));
      const response = out instanceof Response ? out : Response.json(out);
      response.headers.set("x-helix-request-id", requestId);
      // Server time of the handler (queries included), for browser dev tools and bench:dashboard.
      response.headers.set("server-timing", `app;dur=${(performance.now() - started).toFixed(1)}`);
      return withPrivateHeaders(response);
    } catch (raw) {
      const err = toHelixError(raw);
      if (err.status >= 500) logger().error({ err: raw, requestId, path: new URL(request.url).pathname }, "route failed");
      return withPrivateHeaders(errorResponse(err, { "x-helix-request-id": requestId }));
    }
  };
}

/**
 * These answers hold keys, spend, logs and users for whoever asked: no browser or proxy may keep
 * them (a shared proxy could hand a session's answer to the next user), and none may be sniffed
 * as another content type. A handler that chose its own Cache-Control keeps it.
 */
function withPrivateHeaders(response: Response): Response {
  if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
  response.headers.set("x-content-type-options", "nosniff");
  return response;
}
