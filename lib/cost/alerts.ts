// Budget alerts: when a settled request takes a budget across one of its thresholds (default 50,
// 80 and 100 % of the limit), one row is written to budget_alerts — the unique (scope, period,
// threshold) makes that once per period across every instance — and the instance whose insert won
// posts it to the configured webhooks (Helix JSON or Slack-compatible), retrying with backoff.
// Everything happens after the response, on a bounded in-memory queue that never throws into the
// caller and never holds up shutdown; rows left "pending" by a dead instance are re-delivered at
// the next start (resumePendingAlerts).
import "server-only";
import { hostname } from "node:os";
import type { z } from "zod";
import type { HelixConfig } from "@/lib/config/schema";
import { getConfig } from "@/lib/config/loader";
import { logger } from "@/lib/observability/logger";
import { budgetAlertStore, type BudgetAlertRecord, type BudgetAlertStore } from "@/lib/store/budget-alerts";
import type { BudgetSettlement } from "./budget-types";
import { nowMs } from "./clock";
import { DEFAULT_ALERT_THRESHOLDS, type BudgetPeriod, type WebhookSchema } from "./cost-schema";
import { usdFromMicros as usdNumber } from "./usd";

export type Webhook = z.output<typeof WebhookSchema>;
type CostSettings = HelixConfig["helix_settings"]["cost_optimization"];
/** The part of `cost_optimization` that alerts read. */
export type AlertSettings = Pick<CostSettings, "budget_alerts" | "alert_thresholds" | "alert_webhooks">;

/** A settlement may say its period type; without it the label is derived from the period's length. */
export type AlertSettlement = BudgetSettlement & { period?: BudgetPeriod; periodDays?: number };

// ---- crossing detection (pure) ------------------------------------------------------------------

const toBig = (micros: number) => BigInt(Math.round(Number.isFinite(micros) ? micros : 0));

/**
 * The thresholds (percent) this settlement crossed: spent before < t % of the limit <= spent after.
 * Several at once when one request is large; exactly at a threshold counts; none without a limit.
 */
export function crossedThresholds(s: BudgetSettlement, defaults: readonly number[] = DEFAULT_ALERT_THRESHOLDS): number[] {
  const limit = toBig(s.limitMicros);
  if (limit <= 0n) return [];
  const before = toBig(s.spentBeforeMicros) * 100n;
  const after = toBig(s.spentMicros) * 100n;
  if (after <= before) return [];
  const list = s.alertThresholds.length > 0 ? s.alertThresholds : defaults;
  const thresholds = [...new Set(list.filter((t) => Number.isInteger(t) && t > 0))].sort((a, b) => a - b);
  return thresholds.filter((t) => {
    const target = limit * BigInt(t);
    return before < target && target <= after;
  });
}

// ---- payloads (pure) ----------------------------------------------------------------------------

/** What a delivery says about one alert (resetAt/period are null only on rows written before they were kept). */
export interface AlertEvent {
  id: string;
  scope: string;
  scopeId: string;
  threshold: number;
  spendMicros: number;
  limitMicros: number;
  periodStart: Date;
  resetAt: Date | null;
  soft: boolean;
  /** "daily", "weekly", "monthly", "14-day"; null when unknown. */
  period: string | null;
  createdAt: Date;
}

export const ALERT_EVENT = "budget.threshold_crossed";
export const TEST_EVENT = "budget.test";

const moneyFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.56"; amounts under a cent keep their digits ("$0.0042") rather than reading "$0.00". */
export function formatUsd(micros: number): string {
  const usd = usdNumber(micros);
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(6).replace(/0+$/, "")}`;
  return moneyFormat.format(usd);
}

/** "2026-12-01 00:00 UTC" */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The budget's period as people say it, from its type or else from its length. */
export function periodLabel(s: { period?: BudgetPeriod; periodDays?: number; periodStart: Date; resetAt: Date }): string {
  if (s.period === "daily" || s.period === "weekly" || s.period === "monthly") return s.period;
  const days = s.period === "days" && s.periodDays ? s.periodDays : Math.round((s.resetAt.getTime() - s.periodStart.getTime()) / 86_400_000);
  if (s.period !== "days") {
    if (days === 1) return "daily";
    if (days === 7) return "weekly";
    if (days >= 28 && days <= 31) return "monthly";
  }
  return `${days}-day`;
}

/** Percent of the limit spent, two decimals. */
export function percentSpent(spendMicros: number, limitMicros: number): number {
  return limitMicros > 0 ? Math.round((spendMicros / limitMicros) * 10_000) / 100 : 0;
}

/** Helix's own JSON body. */
export function alertJsonPayload(a: AlertEvent, instance: string) {
  return {
    event: ALERT_EVENT,
    alert_id: a.id,
    scope: a.scope,
    scope_id: a.scopeId,
    threshold: a.threshold,
    percent: percentSpent(a.spendMicros, a.limitMicros),
    spend_usd: usdNumber(a.spendMicros),
    limit_usd: usdNumber(a.limitMicros),
    period: a.period,
    period_start: a.periodStart.toISOString(),
    reset_at: a.resetAt ? a.resetAt.toISOString() : null,
    soft: a.soft,
    created_at: a.createdAt.toISOString(),
    gateway_instance: instance,
  };
}

const SCOPE_NAMES: Record<string, string> = { key: "key", user: "user", end_user: "end user", team: "team", org: "org" };

/** One line for people: Slack, Mattermost, Discord's /slack endpoint. */
export function alertSlackText(a: AlertEvent): string {
  const subject = a.scope === "global" ? "the global budget" : `${SCOPE_NAMES[a.scope] ?? a.scope} '${a.scopeId}'`;
  const budget = `${formatUsd(a.limitMicros)}${a.period ? ` ${a.period}` : ""} budget`;
  const details = [`${formatUsd(a.spendMicros)} spent`, ...(a.resetAt ? [`resets ${formatUtc(a.resetAt)}`] : [])].join("; ");
  const icon = a.threshold >= 100 ? ":rotating_light:" : ":warning:";
  let text = `${icon} Helix budget alert — ${subject} reached ${a.threshold}% of its ${budget} (${details})`;
  if (a.threshold >= 100) text += a.soft ? ". Soft budget: requests are still served." : ". Requests are refused until it resets.";
  return text;
}

/** The body a webhook gets for an alert, in its format. */
export function alertBody(webhook: Pick<Webhook, "format">, a: AlertEvent, instance: string): unknown {
  return webhook.format === "slack" ? { text: alertSlackText(a) } : alertJsonPayload(a, instance);
}

/** The body of POST /helix/alerts/test. */
export function testBody(webhook: Pick<Webhook, "format">, instance: string, at: Date): unknown {
  if (webhook.format === "slack") {
    return { text: `:white_check_mark: Helix test alert from ${instance} — budget alerts will be posted here. (${formatUtc(at)})` };
  }
  return { event: TEST_EVENT, test: true, message: "Helix test alert: budget alerts will be posted here.", created_at: at.toISOString(), gateway_instance: instance };
}

/** The URL with its path, query and credentials hidden: Slack-style webhook URLs are secrets. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    const hidden = u.pathname !== "/" || u.search !== "" ? "/****" : "/";
    return `${u.protocol}//${u.host}${hidden}`;
  } catch {
    return "<invalid url>";
  }
}

/**
 * `text` without the webhook URL's secret parts: receivers' error pages often quote the path they
 * were asked for ("Cannot POST /services/T0/B0/secret"), and error texts can quote the whole URL.
 */
export function hideWebhookUrl(text: string, url: string): string {
  let out = text.split(url).join(maskWebhookUrl(url));
  try {
    const u = new URL(url);
    const secretPart = `${u.pathname}${u.search}`;
    if (secretPart !== "/") out = out.split(secretPart).join("/****");
    // Also percent-decoded, as some receivers quote it.
    const decoded = decodeURIComponent(secretPart);
    if (decoded !== secretPart) out = out.split(decoded).join("/****");
  } catch {
    /* not a URL: nothing more to hide than the whole string */
  }
  return out;
}

// ---- one webhook, with retries ------------------------------------------------------------------

export interface PostResult {
  status: number;
  /** The start of the response body (for error messages). */
  body: string;
  retryAfterMs?: number;
}

/** Sends one POST; rejects on network errors, timeouts and aborts. */
export type WebhookPost = (url: string, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<PostResult>;

const MAX_BODY_CHARS = 300;

export const fetchPost: WebhookPost = async (url, body, headers, signal) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "user-agent": "Helix-Gateway", ...headers, "content-type": "application/json" },
    body,
    signal,
    redirect: "follow",
  });
  const text = await readStart(res, MAX_BODY_CHARS);
  const ra = res.headers.get("retry-after");
  const seconds = ra !== null && /^\d+$/.test(ra.trim()) ? Number(ra.trim()) : undefined;
  return { status: res.status, body: text, ...(seconds !== undefined ? { retryAfterMs: seconds * 1_000 } : {}) };
};

/** The first `max` characters of a body, without downloading the rest (a receiver's error page can be large). */
async function readStart(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    /* the status is what matters */
  } finally {
    reader.cancel().catch(() => {});
  }
  return text.slice(0, max);
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt, connection to body. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 16_000, timeoutMs: 10_000 };

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A wait that never keeps the process alive and ends at once when the signal aborts. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener("abort", done, { once: true });
  });

export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  /** Last HTTP status, if any answer came. */
  status?: number;
  /** Why the last attempt failed (URL masked). */
  error?: string;
  /** Stopped by shutdown before an outcome: the alert stays pending for the next start. */
  aborted?: boolean;
}

const retryable = (status: number) => status === 429 || status >= 500;

function describeError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ""}`;
}

/**
 * POSTs `body` to the webhook until it answers 2xx, with exponential backoff on network errors,
 * timeouts, 5xx and 429 (Retry-After honoured up to maxDelayMs); any other status is final.
 */
export async function deliverWebhook(
  webhook: Webhook,
  body: unknown,
  opts: { retry: RetryOptions; post: WebhookPost; sleep: Sleep; signal: AbortSignal; onAttempt?: (error: string | null) => Promise<void> | void },
): Promise<DeliveryOutcome> {
  const { retry, post, sleep, signal } = opts;
  const payload = JSON.stringify(body);
  const where = maskWebhookUrl(webhook.url);
  let last: DeliveryOutcome = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= Math.max(1, retry.attempts); attempt++) {
    if (signal.aborted) return { ...last, aborted: true };
    const timeout = AbortSignal.timeout(retry.timeoutMs);
    let waitMs = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
    let final = false;
    try {
      const res = await post(webhook.url, payload, webhook.headers, AbortSignal.any([signal, timeout]));
      if (res.status >= 200 && res.status < 300) {
        last = { ok: true, attempts: attempt, status: res.status };
      } else {
        const snippet = hideWebhookUrl(res.body.replace(/\s+/g, " ").trim(), webhook.url).slice(0, 200);
        last = { ok: false, attempts: attempt, status: res.status, error: `${where} answered HTTP ${res.status}${snippet ? `: ${snippet}` : ""}` };
        final = !retryable(res.status);
        if (res.status === 429 && res.retryAfterMs !== undefined) waitMs = Math.min(Math.max(res.retryAfterMs, waitMs), retry.maxDelayMs);
      }
    } catch (err) {
      if (signal.aborted) return { ...last, attempts: attempt - 1, aborted: true };
      // Error texts can quote the URL (e.g. a parse failure): never let the secret path through.
      const why = hideWebhookUrl(describeError(err, timeout.aborted, retry.timeoutMs), webhook.url);
      last = { ok: false, attempts: attempt, error: `${where}: ${why}` };
    }
    try {
      await opts.onAttempt?.(last.ok ? null : (last.error ?? null));
    } catch {
      /* progress bookkeeping must not stop the delivery */
    }
    if (last.ok || final) return last;
    if (attempt < retry.attempts) {
      await sleep(waitMs, signal);
      if (signal.aborted) return { ...last, aborted: true };
    }
  }
  return last;
}

// ---- the notifier: queue, delivery, resume, flush ----------------------------------------------

/** What the notifier needs of the budget_alerts table. */
export type AlertStore = Pick<BudgetAlertStore, "insert" | "recordAttempt" | "finish" | "pending" | "claim">;

export interface AlertNotifierOptions {
  store: AlertStore;
  post?: WebhookPost;
  sleep?: Sleep;
  retry?: Partial<RetryOptions>;
  /** Names this process in payloads and resume notes. */
  instance?: string;
  /** Alert jobs in flight at most; more are dropped with a warning (their rows, if written, are resumed later). */
  maxQueue?: number;
  warn?: (fields: Record<string, unknown>, message: string) => void;
  info?: (fields: Record<string, unknown>, message: string) => void;
}

export interface FlushResult {
  /** Everything finished inside the time. */
  completed: boolean;
  /** Jobs cut short (their alerts stay pending and are resumed at the next start). */
  abandoned: number;
}

export const defaultInstance = () => `${hostname()}:${process.pid}`;

export class AlertNotifier {
  readonly store: AlertStore;
  readonly instance: string;
  private readonly post: WebhookPost;
  private readonly sleep: Sleep;
  private readonly retry: RetryOptions;
  private readonly maxQueue: number;
  private readonly warn: NonNullable<AlertNotifierOptions["warn"]>;
  private readonly info: NonNullable<AlertNotifierOptions["info"]>;
  private readonly jobs = new Set<Promise<void>>();
  private abort = new AbortController();
  private dropped = 0;

  constructor(opts: AlertNotifierOptions) {
    this.store = opts.store;
    this.post = opts.post ?? fetchPost;
    this.sleep = opts.sleep ?? defaultSleep;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.instance = opts.instance ?? defaultInstance();
    this.maxQueue = opts.maxQueue ?? 1_000;
    this.warn = opts.warn ?? (() => {});
    this.info = opts.info ?? (() => {});
  }

  /** Jobs queued or running. */
  get inFlight(): number {
    return this.jobs.size;
  }

  /** Alert jobs refused because the queue was full. */
  get droppedJobs(): number {
    return this.dropped;
  }

  /** Synchronous, never throws: finds crossings now, writes and delivers them in the background. */
  record(settlements: readonly AlertSettlement[], settings: AlertSettings): void {
    try {
      if (!settings.budget_alerts || settlements.length === 0) return;
      const crossings: { s: AlertSettlement; threshold: number }[] = [];
      for (const s of settlements) for (const threshold of crossedThresholds(s, settings.alert_thresholds)) crossings.push({ s, threshold });
      if (crossings.length === 0) return;
      const webhooks = [...settings.alert_webhooks];
      this.enqueue(async () => {
        const createdAt = new Date(nowMs());
        for (const { s, threshold } of crossings) {
          const row = await this.store.insert({
            scope: s.scope,
            scopeId: s.scopeId,
            periodStart: s.periodStart,
            threshold,
            spendMicros: s.spentMicros,
            limitMicros: s.limitMicros,
            soft: s.soft,
            resetAt: s.resetAt,
            period: periodLabel(s),
            createdAt,
          });
          if (!row) continue; // another request or instance got there first
          this.info({ component: "budget-alerts", alert: row.id, scope: s.scope, scopeId: s.scopeId, threshold }, "budget threshold crossed");
          await this.deliver(eventOf(row), webhooks);
        }
      });
    } catch (err) {
      this.warn({ component: "budget-alerts", err: errMessage(err) }, "budget alerts could not be queued");
    }
  }

  /**
   * Re-delivers alerts left pending (an instance stopped mid-retry) that are older than minAgeMs —
   * younger ones may still be in another live instance's hands. Each row is claimed first, so two
   * instances starting together deliver it once. Returns how many were taken over.
   */
  async resumePending(settings: AlertSettings, opts: { minAgeMs?: number; limit?: number } = {}): Promise<number> {
    const minAgeMs = opts.minAgeMs ?? retryWindowMs(this.retry) + 60_000;
    const rows = await this.store.pending(new Date(nowMs() - minAgeMs), opts.limit ?? 100);
    let taken = 0;
    for (const row of rows) {
      if (!(await this.store.claim(row, `resumed by ${this.instance} after ${row.deliveryAttempts} attempt(s)`))) continue;
      taken++;
      // No webhooks any more: the alert was seen (it is in the list) but had nowhere to go.
      const webhooks = settings.budget_alerts ? [...settings.alert_webhooks] : [];
      this.enqueue(() => this.deliver(eventOf(row), webhooks));
    }
    if (taken > 0) this.info({ component: "budget-alerts", resumed: taken }, "re-delivering pending budget alerts");
    return taken;
  }

  /**
   * Waits for queued deliveries up to timeoutMs; then stops the rest (retries end, requests are
   * aborted — their alerts stay pending for the next start). Never rejects, never hangs much longer.
   */
  async flush(timeoutMs: number): Promise<FlushResult> {
    const snapshot = [...this.jobs];
    if (snapshot.length === 0) return { completed: true, abandoned: 0 };
    const all = Promise.allSettled(snapshot).then(() => true);
    if (await raceTimeout(all, timeoutMs)) return { completed: true, abandoned: 0 };
    const left = snapshot.filter((j) => this.jobs.has(j)).length;
    this.abort.abort();
    this.abort = new AbortController();
    // Aborted jobs end quickly; a database that does not answer must not hold the process.
    await raceTimeout(all, 1_000);
    this.warn({ component: "budget-alerts", abandoned: left }, "budget alert deliveries cut short by shutdown; they resume at the next start");
    return { completed: false, abandoned: left };
  }

  private enqueue(job: () => Promise<void>): void {
    if (this.jobs.size >= this.maxQueue) {
      this.dropped++;
      this.warn({ component: "budget-alerts", inFlight: this.jobs.size, dropped: this.dropped }, "budget alert queue full; alert dropped");
      return;
    }
    const p: Promise<void> = Promise.resolve()
      .then(job)
      .catch((err: unknown) => this.warn({ component: "budget-alerts", err: errMessage(err) }, "budget alert failed"))
      .finally(() => this.jobs.delete(p));
    this.jobs.add(p);
  }

  /** Posts one alert to every webhook and writes the outcome on its row. */
  private async deliver(event: AlertEvent, webhooks: Webhook[]): Promise<void> {
    const store = this.store;
    if (webhooks.length === 0) {
      await store.finish(event.id, "none", null, new Date(nowMs()));
      return;
    }
    const signal = this.abort.signal;
    const outcomes = await Promise.all(
      webhooks.map((w) =>
        deliverWebhook(w, alertBody(w, event, this.instance), {
          retry: this.retry,
          post: this.post,
          sleep: this.sleep,
          signal,
          onAttempt: (error) => store.recordAttempt(event.id, error).catch((err: unknown) => this.warn({ component: "budget-alerts", err: errMessage(err) }, "could not record a delivery attempt")),
        }),
      ),
    );
    if (outcomes.some((o) => o.aborted)) return; // shutdown: stays pending, resumed at the next start
    const failures = outcomes.filter((o) => !o.ok);
    for (const [i, o] of outcomes.entries()) {
      const fields = { component: "budget-alerts", alert: event.id, webhook: maskWebhookUrl(webhooks[i].url), attempts: o.attempts, status: o.status };
      if (o.ok) this.info(fields, "budget alert delivered");
      else this.warn({ ...fields, error: o.error }, "budget alert delivery failed");
    }
    await store.finish(event.id, failures.length === 0 ? "delivered" : "failed", failures.map((f) => f.error).join("; ") || null, new Date(nowMs()));
  }
}

function eventOf(row: BudgetAlertRecord): AlertEvent {
  return {
    id: row.id,
    scope: row.scope,
    scopeId: row.scopeId,
    threshold: row.threshold,
    spendMicros: row.spendMicros,
    limitMicros: row.limitMicros,
    periodStart: row.periodStart,
    resetAt: row.resetAt ?? null,
    soft: row.soft,
    period: row.period ?? null,
    createdAt: row.createdAt,
  };
}

/** How long one delivery may keep retrying (waits and timeouts). */
export function retryWindowMs(r: RetryOptions): number {
  let total = r.attempts * r.timeoutMs;
  for (let i = 1; i < r.attempts; i++) total += Math.min(r.baseDelayMs * 2 ** (i - 1), r.maxDelayMs);
  return total;
}

async function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

// ---- one webhook check (POST /helix/alerts/test) ------------------------------------------------

export interface WebhookTestResult {
  /** Masked. */
  url: string;
  format: Webhook["format"];
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** One test POST to each webhook (no retries: the operator wants the answer now). */
export async function testWebhooks(webhooks: readonly Webhook[], opts: { post?: WebhookPost; timeoutMs?: number; instance?: string } = {}): Promise<WebhookTestResult[]> {
  const instance = opts.instance ?? defaultInstance();
  const at = new Date(nowMs());
  const retry: RetryOptions = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: opts.timeoutMs ?? DEFAULT_RETRY.timeoutMs };
  const signal = new AbortController().signal;
  return Promise.all(
    webhooks.map(async (w) => {
      const o = await deliverWebhook(w, testBody(w, instance, at), { retry, post: opts.post ?? fetchPost, sleep: defaultSleep, signal });
      return { url: maskWebhookUrl(w.url), format: w.format, ok: o.ok, status: o.status ?? null, error: o.ok ? null : (o.error ?? "failed") };
    }),
  );
}

// ---- the process-wide notifier ------------------------------------------------------------------

const GLOBAL_KEY = Symbol.for("helix.cost.alerts");

/** The process's notifier (on globalThis: Next.js may load this module more than once). */
export function alertNotifier(): AlertNotifier {
  const g = globalThis as unknown as Record<symbol, AlertNotifier | undefined>;
  return (g[GLOBAL_KEY] ??= new AlertNotifier({
    store: budgetAlertStore(),
    warn: (f, m) => logger().warn(f, m),
    info: (f, m) => logger().info(f, m),
  }));
}

/** Tests only: replaces the process's notifier (undefined: the default again). */
export function setAlertNotifierForTests(n: AlertNotifier | undefined): void {
  (globalThis as unknown as Record<symbol, AlertNotifier | undefined>)[GLOBAL_KEY] = n;
}

function settingsNow(): AlertSettings {
  return getConfig().helix_settings.cost_optimization;
}

/**
 * After settleBudgets(): records and delivers the thresholds the request crossed. Synchronous,
 * never throws; `config` is the cost_optimization section (or the whole config).
 */
export function recordBudgetAlerts(settlements: readonly AlertSettlement[], config?: AlertSettings | HelixConfig): void {
  try {
    const settings = !config ? settingsNow() : "helix_settings" in config ? config.helix_settings.cost_optimization : config;
    alertNotifier().record(settlements, settings);
  } catch {
    /* never into the request */
  }
}

/**
 * At start-up: re-delivers alerts a stopped instance left pending. Rows too young to be sure their
 * instance is gone are looked at once more when they are old enough (an unref'd timer). Never rejects.
 */
export async function resumePendingAlerts(config?: AlertSettings | HelixConfig): Promise<number> {
  const sweep = async () => {
    try {
      const settings = !config ? settingsNow() : "helix_settings" in config ? config.helix_settings.cost_optimization : config;
      return await alertNotifier().resumePending(settings);
    } catch (err) {
      logger().warn({ component: "budget-alerts", err: errMessage(err) }, "could not resume pending budget alerts");
      return 0;
    }
  };
  const taken = await sweep();
  const later = setTimeout(() => void sweep(), retryWindowMs(DEFAULT_RETRY) + 61_000);
  later.unref?.();
  return taken;
}

/** Graceful shutdown: waits up to timeoutMs for deliveries, then stops them. Never rejects. */
export function flushAlerts(timeoutMs = 5_000): Promise<FlushResult> {
  const g = globalThis as unknown as Record<symbol, AlertNotifier | undefined>;
  const n = g[GLOBAL_KEY];
  return n ? n.flush(timeoutMs).catch(() => ({ completed: false, abandoned: n.inFlight })) : Promise.resolve({ completed: true, abandoned: 0 });
}
