// The request a piece of code is working for, so that log lines written deep in the pipeline
// (cache, budgets, PII, providers) carry its id without each call passing it (see logger's mixin).
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

const g = globalThis as unknown as { __helixRequestScope?: AsyncLocalStorage<string> };
const scope = (g.__helixRequestScope ??= new AsyncLocalStorage<string>());

/** Runs `fn` with `requestId` as the current request (inherited by everything it awaits or schedules). */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run(requestId, fn);
}

/** The current request's id, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
