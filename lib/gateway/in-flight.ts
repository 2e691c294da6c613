import "server-only";

// Requests that have started and not yet been recorded (streams count until their last byte).
// On globalThis: Next.js may load this module twice, and shutdown must see every request.
const g = globalThis as unknown as { __helixInFlight?: { count: number; idle: Array<() => void>; shuttingDown: boolean } };
const state = (g.__helixInFlight ??= { count: 0, idle: [], shuttingDown: false });

/** From SIGTERM on: readiness fails and new requests are refused, so in-flight ones can drain. */
export function beginShutdown(): void {
  state.shuttingDown = true;
}

export function isShuttingDown(): boolean {
  return state.shuttingDown;
}

export function requestStarted(): void {
  state.count++;
}

export function requestFinished(): void {
  state.count = Math.max(0, state.count - 1);
  if (state.count === 0) for (const resolve of state.idle.splice(0)) resolve();
}

export function inFlightRequests(): number {
  return state.count;
}

/** Resolves when no request is in flight, or after `timeoutMs` (true when drained). */
export function drained(timeoutMs: number): Promise<boolean> {
  if (state.count === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    state.idle.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
