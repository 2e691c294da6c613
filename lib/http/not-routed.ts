import "server-only";
import { MethodNotAllowedError, NotFoundError } from "@/lib/errors";
import { jsonRoute } from "./json-route";

/** A method the route does not serve: OpenAI-shaped 405 with `allow`, not Next's empty one. */
export function methodNotAllowed(allowed: string[]) {
  return jsonRoute(async (request) => {
    throw new MethodNotAllowedError(request.method, allowed);
  });
}

/** Any path under /v1 that is not an endpoint: OpenAI-shaped 404, not Next's HTML page. */
export const unknownEndpoint = jsonRoute(async (request) => {
  const { pathname } = new URL(request.url);
  throw new NotFoundError(`Unknown endpoint ${request.method} ${pathname.replace(/^\/api/, "")}. See /v1/chat/completions, /v1/embeddings and /v1/models.`, {
    code: "unknown_url",
  });
});
