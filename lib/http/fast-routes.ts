// Handlers the HTTP server (server.mjs) calls directly, without Next's router: the OpenAI-compatible
// hot path. They are the functions the route files export, registered here when Next first loads
// those routes, so there is one pipeline; until then (the first request of each) Next serves them.
// On globalThis: server.mjs is outside Next's bundle and reads the same table by its symbol.
export type FastHandler = (request: Request) => Promise<Response>;

const KEY = Symbol.for("helix.fastRoutes");

function table(): Map<string, FastHandler> {
  const g = globalThis as unknown as Record<symbol, Map<string, FastHandler> | undefined>;
  return (g[KEY] ??= new Map());
}

/** Serves `method` on each of `paths` (exact pathnames) with `handler` from now on. */
export function registerFastRoute(method: string, paths: readonly string[], handler: FastHandler): void {
  for (const p of paths) table().set(`${method} ${p}`, handler);
}

export function fastRoute(method: string, pathname: string): FastHandler | undefined {
  return table().get(`${method} ${pathname}`);
}
