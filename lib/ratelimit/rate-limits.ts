// Requests-per-minute and tokens-per-minute limits of a request's key, user, team (and any other
// budget scope that carries rpm/tpm): admit before the provider call, correct the token count
// after the response. Shared through Redis when the gateway has one, in-process otherwise.
//
// Rate limiting fails open: while Redis is unreachable requests are admitted (with a throttled
// warning) rather than refused or left hanging; budgets, not rate limits, guard spend.
import "server-only";
import { RateLimitError } from "@/lib/errors";
import { nowMs } from "@/lib/cost/clock";
import type { BudgetScope } from "@/lib/cost/cost-schema";
import type { BudgetDefinition } from "@/lib/cost/budget-types";
import { logger } from "@/lib/observability/logger";
import { getKv } from "@/lib/store/kv";
import type { RedisKv } from "@/lib/store/kv-redis";
import { WINDOW_MS, type CheckResult, type LimitEntry, type RateLimiter } from "./limiter";
import { MemoryRateLimiter } from "./limiter-memory";
import { RedisRateLimiter } from "./limiter-redis";

export type RateLimitScope = BudgetScope;

/** The rate limits of one scope (a row of the budgets table, or the config). */
export interface ScopeRateLimit {
  scope: RateLimitScope;
  /** Key id, user id, team id…; "global" for the gateway-wide scope. */
  id: string;
  /** Requests per minute; undefined/null: no limit; 0: every request is refused. */
  rpm?: number | null;
  /** Tokens (prompt + completion) per minute; undefined/null: no limit; 0: every request is refused. */
  tpm?: number | null;
}

export type RateLimitKind = "rpm" | "tpm";

/** One limit a request was counted against. */
export interface AdmittedEntry {
  scope: RateLimitScope;
  id: string;
  kind: RateLimitKind;
  limit: number;
  /** What was charged at admission: 1 request, or the token estimate. */
  cost: number;
  /** The limiter's counter key and charged window (for settleTokens). */
  key: string;
  windowStartMs: number;
  /** Units left in the sliding minute after this request. */
  remaining: number;
}

/** The result of an admitted request; pass it to settleTokens after the response. */
export interface Admission {
  entries: AdmittedEntry[];
  /** Set when the limiter could not be reached and the request was let through unchecked. */
  failedOpen?: boolean;
}

export interface RateLimitOptions {
  /** The limiter to use (tests); by default the process-wide one for getKv(). */
  limiter?: RateLimiter;
  /** The time of the check (tests); by default nowMs(). */
  now?: number;
}

/** The rpm/tpm limits carried by a request's budgets (budgetDefinitions().budgetsFor(…)). */
export function rateLimitsOf(budgets: Pick<BudgetDefinition, "scope" | "scopeId" | "rpm" | "tpm">[]): ScopeRateLimit[] {
  return budgets
    .filter((b) => (b.rpm !== undefined && b.rpm !== null) || (b.tpm !== undefined && b.tpm !== null))
    .map((b) => ({ scope: b.scope, id: b.scopeId, rpm: b.rpm, tpm: b.tpm }));
}

const SCOPE_LABEL: Record<RateLimitScope, string> = {
  key: "key",
  user: "user",
  end_user: "end user",
  team: "team",
  org: "organization",
  global: "gateway",
};

/**
 * Counts the request against every rpm/tpm limit given (1 request, `estimatedTokens` tokens) in
 * one atomic step: either all are charged or none. Throws RateLimitError (429, code
 * rate_limit_exceeded, retry-after) naming the scope and the limit that refused it. Without any
 * limit it does no I/O.
 */
export async function checkRateLimits(
  input: { limits: ScopeRateLimit[]; estimatedTokens: number },
  opts: RateLimitOptions = {},
): Promise<Admission> {
  const planned = plan(input.limits, input.estimatedTokens);
  if (planned.length === 0) return { entries: [] };
  const blocked = planned.find((p) => p.limit === 0);
  if (blocked) throw denial(blocked, WINDOW_MS);

  const now = opts.now ?? nowMs();
  let limiter: RateLimiter;
  try {
    limiter = opts.limiter ?? defaultLimiter();
  } catch (err) {
    return failOpen(err, now);
  }
  const entries: LimitEntry[] = planned.map((p) => ({ key: p.key, limit: p.limit, cost: p.cost }));
  let result: CheckResult;
  try {
    result = await limiter.check(entries, now);
  } catch (err) {
    return failOpen(err, now);
  }
  if (!result.allowed) throw denial(planned[result.index] ?? planned[0], result.retryAfterMs);
  const { windowStartMs, remaining } = result;
  return { entries: planned.map((p, i) => ({ ...p, windowStartMs, remaining: remaining[i] ?? 0 })) };
}

/**
 * Replaces the token estimate charged at admission with the request's actual tokens (prompt +
 * completion) on every tpm limit. Never throws (a failure is logged); no I/O when nothing changes.
 */
export async function settleTokens(admission: Admission, actualTokens: number, opts: Pick<RateLimitOptions, "limiter" | "now"> = {}): Promise<void> {
  const actual = tokens(actualTokens);
  const changes = admission.entries.filter((e) => e.kind === "tpm" && e.cost !== actual);
  if (changes.length === 0) return;
  try {
    const limiter = opts.limiter ?? defaultLimiter();
    await Promise.all(changes.map((e) => limiter.adjust({ key: e.key, windowStartMs: e.windowStartMs }, actual - e.cost)));
  } catch (err) {
    warnThrottled(err, opts.now ?? nowMs(), "token usage not corrected");
  }
}

/**
 * OpenAI-style headers for an admitted request: the tightest request and token limits and what is
 * left of them (x-ratelimit-limit-requests, x-ratelimit-remaining-requests, …-tokens).
 */
export function rateLimitHeaders(admission: Admission): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [kind, word] of [["rpm", "requests"], ["tpm", "tokens"]] as const) {
    const tightest = admission.entries
      .filter((e) => e.kind === kind)
      .reduce<AdmittedEntry | undefined>((best, e) => (!best || e.remaining < best.remaining ? e : best), undefined);
    if (tightest) {
      headers[`x-ratelimit-limit-${word}`] = String(tightest.limit);
      headers[`x-ratelimit-remaining-${word}`] = String(tightest.remaining);
    }
  }
  return headers;
}

interface Planned {
  scope: RateLimitScope;
  id: string;
  kind: RateLimitKind;
  limit: number;
  cost: number;
  key: string;
}

function plan(limits: ScopeRateLimit[], estimatedTokens: number): Planned[] {
  const byKey = new Map<string, Planned>();
  const estimate = tokens(estimatedTokens);
  for (const l of limits) {
    for (const kind of ["rpm", "tpm"] as const) {
      const limit = l[kind];
      // Negative or fractional values are configuration errors the schema rejects; ignore them here.
      if (limit === undefined || limit === null || !Number.isSafeInteger(limit) || limit < 0) continue;
      // The id is encoded so ids with ":" cannot collide with another scope's counter.
      const key = `${l.scope}:${encodeURIComponent(l.id)}:${kind}`;
      const seen = byKey.get(key);
      // The same scope listed twice (e.g. config and database) counts once, under the tighter limit.
      if (seen) seen.limit = Math.min(seen.limit, limit);
      else byKey.set(key, { scope: l.scope, id: l.id, kind, limit, cost: kind === "rpm" ? 1 : estimate, key });
    }
  }
  return [...byKey.values()];
}

function tokens(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
}

function denial(p: Planned, retryAfterMs: number): RateLimitError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const what = p.kind === "rpm" ? "requests" : "tokens";
  const who = p.scope === "global" ? "the gateway" : `${SCOPE_LABEL[p.scope]} '${p.id}'`;
  const retry = p.limit === 0 ? `Requests are blocked for this ${SCOPE_LABEL[p.scope]}.` : `Retry after ${seconds} s.`;
  return new RateLimitError(`Rate limit exceeded for ${who}: ${p.limit} ${what} per minute. ${retry}`, {
    retryAfterSeconds: seconds,
    scope: p.scope,
    code: "rate_limit_exceeded",
    headers: { [`x-ratelimit-limit-${what}`]: String(p.limit), [`x-ratelimit-remaining-${what}`]: "0" },
  });
}

function failOpen(err: unknown, now: number): Admission {
  warnThrottled(err, now, "requests admitted without rate limiting");
  return { entries: [], failedOpen: true };
}

// --- process-wide state (globalThis: Next.js may load this module more than once) ---

interface RateLimitGlobal {
  memory?: MemoryRateLimiter;
  redis?: WeakMap<RedisKv, RedisRateLimiter>;
  lastWarnAt?: number;
}
const GLOBAL_KEY = Symbol.for("helix.ratelimit");
function state(): RateLimitGlobal {
  const g = globalThis as unknown as Record<symbol, RateLimitGlobal | undefined>;
  return (g[GLOBAL_KEY] ??= {});
}

/** The limiter for the process-wide store: Redis on the same connection, or in-process counters. */
export function defaultLimiter(): RateLimiter {
  const s = state();
  const kv = getKv();
  if (kv.kind === "redis") {
    const redis = kv as RedisKv;
    s.redis ??= new WeakMap();
    let limiter = s.redis.get(redis);
    if (!limiter) s.redis.set(redis, (limiter = new RedisRateLimiter(redis)));
    return limiter;
  }
  return (s.memory ??= new MemoryRateLimiter());
}

/** Tests: forget the in-process counters and the warning throttle. */
export function resetRateLimitsForTests(): void {
  const s = state();
  s.memory = undefined;
  s.lastWarnAt = undefined;
}

const WARN_EVERY_MS = 60_000;

function warnThrottled(err: unknown, now: number, consequence: string): void {
  const s = state();
  if (s.lastWarnAt !== undefined && now - s.lastWarnAt < WARN_EVERY_MS && now >= s.lastWarnAt) return;
  s.lastWarnAt = now;
  const message = err instanceof Error ? err.message : String(err);
  logger().warn({ component: "ratelimit", err: message }, `Rate limits unavailable (${consequence}): ${message}`);
}
