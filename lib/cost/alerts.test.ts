// Budget alerts without a database: crossing detection, payloads, URL masking, the retry policy of
// one webhook and the notifier's queue over an in-memory table.
import { afterEach, describe, expect, it } from "vitest";
import type { BudgetAlertRecord, DeliveryStatus, NewBudgetAlert } from "@/lib/store/budget-alerts";
import {
  AlertNotifier,
  alertJsonPayload,
  alertSlackText,
  crossedThresholds,
  deliverWebhook,
  formatUsd,
  maskWebhookUrl,
  periodLabel,
  retryWindowMs,
  testWebhooks,
  type AlertEvent,
  type AlertSettings,
  type AlertStore,
  type PostResult,
  type RetryOptions,
  type Webhook,
  type WebhookPost,
} from "./alerts";
import type { BudgetSettlement } from "./budget-types";
import { setClockForTests } from "./clock";

const USD = 1_000_000;
const periodStart = new Date("2026-11-01T00:00:00Z");
const resetAt = new Date("2026-12-01T00:00:00Z");

const settlement = (before: number, after: number, over: Partial<BudgetSettlement> = {}): BudgetSettlement => ({
  scope: "team",
  scopeId: "tm_1",
  limitMicros: 10 * USD,
  spentBeforeMicros: before,
  spentMicros: after,
  reservedMicros: 0,
  periodStart,
  resetAt,
  soft: false,
  alertThresholds: [50, 80, 100],
  ...over,
});

describe("crossedThresholds", () => {
  it("finds nothing below the first threshold, or when spend did not move", () => {
    expect(crossedThresholds(settlement(0, 4.99 * USD))).toEqual([]);
    expect(crossedThresholds(settlement(6 * USD, 6 * USD))).toEqual([]);
    expect(crossedThresholds(settlement(5.5 * USD, 7.9 * USD))).toEqual([]);
  });
  it("counts exactly-at-threshold, and not a second time from there", () => {
    expect(crossedThresholds(settlement(4 * USD, 5 * USD))).toEqual([50]);
    expect(crossedThresholds(settlement(5 * USD, 6 * USD))).toEqual([]);
    expect(crossedThresholds(settlement(4_999_999, 5_000_000))).toEqual([50]);
  });
  it("finds several thresholds crossed by one request, in order", () => {
    expect(crossedThresholds(settlement(1 * USD, 12 * USD))).toEqual([50, 80, 100]);
    expect(crossedThresholds(settlement(7 * USD, 10 * USD))).toEqual([80, 100]);
  });
  it("alerts for soft budgets too, and past 100 % when configured", () => {
    expect(crossedThresholds(settlement(9 * USD, 15 * USD, { soft: true, alertThresholds: [100, 150] }))).toEqual([100, 150]);
  });
  it("uses the defaults when the budget has none; ignores duplicates and nonsense; nothing without a limit", () => {
    expect(crossedThresholds(settlement(0, 10 * USD, { alertThresholds: [] }), [90])).toEqual([90]);
    expect(crossedThresholds(settlement(0, 10 * USD, { alertThresholds: [80, 80, 0, -5, 50.5] }))).toEqual([80]);
    expect(crossedThresholds(settlement(0, 10 * USD, { limitMicros: 0 }))).toEqual([]);
  });
  it("is exact for large budgets (no float rounding at the boundary)", () => {
    const limit = 1_000_000_000 * USD; // $1 B
    expect(crossedThresholds(settlement(limit / 2 - 1, limit / 2, { limitMicros: limit }))).toEqual([50]);
    expect(crossedThresholds(settlement(limit / 2 - 2, limit / 2 - 1, { limitMicros: limit }))).toEqual([]);
  });
});

const event = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  id: "alert_1",
  scope: "team",
  scopeId: "tm_1",
  threshold: 80,
  spendMicros: 8_020_000,
  limitMicros: 10 * USD,
  periodStart,
  resetAt,
  soft: false,
  period: "monthly",
  createdAt: new Date("2026-11-20T10:00:00Z"),
  ...over,
});

describe("payloads", () => {
  it("JSON: the event, scope, amounts, period and instance", () => {
    expect(alertJsonPayload(event(), "gw-1:42")).toEqual({
      event: "budget.threshold_crossed",
      alert_id: "alert_1",
      scope: "team",
      scope_id: "tm_1",
      threshold: 80,
      percent: 80.2,
      spend_usd: 8.02,
      limit_usd: 10,
      period: "monthly",
      period_start: "2026-11-01T00:00:00.000Z",
      reset_at: "2026-12-01T00:00:00.000Z",
      soft: false,
      created_at: "2026-11-20T10:00:00.000Z",
      gateway_instance: "gw-1:42",
    });
  });
  it("Slack: one readable line", () => {
    expect(alertSlackText(event())).toBe(
      ":warning: Helix budget alert — team 'tm_1' reached 80% of its $10.00 monthly budget ($8.02 spent; resets 2026-12-01 00:00 UTC)",
    );
    expect(alertSlackText(event({ threshold: 100, spendMicros: 10.5 * USD }))).toBe(
      ":rotating_light: Helix budget alert — team 'tm_1' reached 100% of its $10.00 monthly budget ($10.50 spent; resets 2026-12-01 00:00 UTC). Requests are refused until it resets.",
    );
    expect(alertSlackText(event({ threshold: 100, soft: true, scope: "global", scopeId: "global", limitMicros: 1_500 * USD, spendMicros: 1_500 * USD }))).toBe(
      ":rotating_light: Helix budget alert — the global budget reached 100% of its $1,500.00 monthly budget ($1,500.00 spent; resets 2026-12-01 00:00 UTC). Soft budget: requests are still served.",
    );
    // Resumed from the table: no reset time or period known.
    expect(alertSlackText(event({ scope: "end_user", scopeId: "bob", resetAt: null, period: null }))).toBe(
      ":warning: Helix budget alert — end user 'bob' reached 80% of its $10.00 budget ($8.02 spent)",
    );
  });
  it("formats money and periods", () => {
    expect(formatUsd(4_200)).toBe("$0.0042");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1_234_567_000)).toBe("$1,234.57");
    expect(periodLabel({ periodStart, resetAt })).toBe("monthly");
    expect(periodLabel({ periodStart, resetAt: new Date("2026-11-02T00:00:00Z") })).toBe("daily");
    expect(periodLabel({ periodStart, resetAt: new Date("2026-11-08T00:00:00Z") })).toBe("weekly");
    expect(periodLabel({ period: "days", periodDays: 14, periodStart, resetAt })).toBe("14-day");
    expect(periodLabel({ period: "weekly", periodStart, resetAt })).toBe("weekly");
  });
  it("masks webhook URLs down to their origin", () => {
    expect(maskWebhookUrl("https://hooks.slack.com/services/T000/B000/XXXXXXXX")).toBe("https://hooks.slack.com/****");
    expect(maskWebhookUrl("https://user:pw@example.com:8443/hook?token=abc")).toBe("https://example.com:8443/****");
    expect(maskWebhookUrl("http://example.com")).toBe("http://example.com/");
    expect(maskWebhookUrl("nope")).toBe("<invalid url>");
  });
});

// ---- one webhook ------------------------------------------------------------------------------

const FAST: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 16_000, timeoutMs: 5_000 };
const hook = (over: Partial<Webhook> = {}): Webhook => ({ url: "https://hooks.example.com/secret/path", format: "json", headers: {}, ...over });

/** A scripted receiver: each call takes the next answer (a status, or an Error to throw). */
function scripted(answers: Array<number | Error | PostResult>) {
  const calls: { url: string; body: string; headers: Record<string, string> }[] = [];
  const post: WebhookPost = async (url, body, headers) => {
    calls.push({ url, body, headers });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (a instanceof Error) throw a;
    return typeof a === "number" ? { status: a, body: a >= 400 ? "nope" : "ok" } : a;
  };
  return { post, calls };
}

/** Records the waits instead of waiting. */
function sleeper() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("deliverWebhook", () => {
  const signal = new AbortController().signal;
  it("retries 5xx and network errors with doubling waits, then succeeds", async () => {
    const r = scripted([503, new Error("fetch failed"), 500, 200]);
    const s = sleeper();
    const attempts: (string | null)[] = [];
    const out = await deliverWebhook(hook({ headers: { authorization: "Bearer x" } }), { a: 1 }, { retry: FAST, post: r.post, sleep: s.sleep, signal, onAttempt: (e) => void attempts.push(e) });
    expect(out).toMatchObject({ ok: true, attempts: 4, status: 200 });
    expect(s.waits).toEqual([1_000, 2_000, 4_000]);
    expect(r.calls[0]).toMatchObject({ body: '{"a":1}', headers: { authorization: "Bearer x" } });
    expect(attempts[0]).toBe("https://hooks.example.com/**** answered HTTP 503: nope");
    expect(attempts[1]).toMatch(/^https:\/\/hooks\.example\.com\/\*\*\*\*: fetch failed/);
    expect(attempts[3]).toBeNull();
  });
  it("gives up after the last attempt; the error names the masked URL only", async () => {
    const r = scripted([502]);
    const s = sleeper();
    const out = await deliverWebhook(hook(), {}, { retry: { ...FAST, attempts: 6 }, post: r.post, sleep: s.sleep, signal });
    expect(out).toMatchObject({ ok: false, attempts: 6, status: 502 });
    expect(s.waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(out.error).not.toContain("secret");
  });
  it("a 4xx other than 429 is final; 429 is retried, honouring Retry-After up to the cap", async () => {
    const gone = scripted([404]);
    expect(await deliverWebhook(hook(), {}, { retry: FAST, post: gone.post, sleep: sleeper().sleep, signal })).toMatchObject({ ok: false, attempts: 1, status: 404 });
    const limited = scripted([{ status: 429, body: "", retryAfterMs: 3_000 }, { status: 429, body: "", retryAfterMs: 60_000 }, 204]);
    const s = sleeper();
    expect(await deliverWebhook(hook(), {}, { retry: FAST, post: limited.post, sleep: s.sleep, signal })).toMatchObject({ ok: true, attempts: 3 });
    expect(s.waits).toEqual([3_000, 16_000]);
  });
  it("never lets the webhook URL through in an error text", async () => {
    const r = scripted([new Error("Failed to parse URL from https://hooks.example.com/secret/path")]);
    const out = await deliverWebhook(hook(), {}, { retry: { ...FAST, attempts: 1 }, post: r.post, sleep: sleeper().sleep, signal });
    expect(out.error).toBe("https://hooks.example.com/****: Failed to parse URL from https://hooks.example.com/****");
  });
  it("hides the URL's secret path when the receiver's answer quotes it", async () => {
    const r = scripted([{ status: 404, body: "Cannot POST /secret/path (also /secret/path?x=1)" }]);
    const out = await deliverWebhook(hook(), {}, { retry: { ...FAST, attempts: 1 }, post: r.post, sleep: sleeper().sleep, signal });
    expect(out.error).toBe("https://hooks.example.com/**** answered HTTP 404: Cannot POST /**** (also /****?x=1)");
  });
  it("stops when aborted (shutdown) and says so", async () => {
    const ac = new AbortController();
    const r = scripted([503]);
    const out = await deliverWebhook(hook(), {}, { retry: FAST, post: r.post, sleep: async () => ac.abort(), signal: ac.signal });
    expect(out).toMatchObject({ ok: false, attempts: 1, aborted: true });
  });
  it("testWebhooks: one attempt each, masked URLs", async () => {
    const r = scripted([500]);
    const out = await testWebhooks([hook(), hook({ format: "slack" })], { post: r.post, instance: "gw" });
    expect(out).toEqual([
      { url: "https://hooks.example.com/****", format: "json", ok: false, status: 500, error: "https://hooks.example.com/**** answered HTTP 500: nope" },
      { url: "https://hooks.example.com/****", format: "slack", ok: false, status: 500, error: "https://hooks.example.com/**** answered HTTP 500: nope" },
    ]);
    expect(r.calls).toHaveLength(2);
    expect(JSON.parse(r.calls[0].body)).toMatchObject({ event: "budget.test", test: true, gateway_instance: "gw" });
    expect(JSON.parse(r.calls[1].body).text).toMatch(/^:white_check_mark: Helix test alert from gw/);
  });
  it("retry window covers waits and timeouts", () => {
    expect(retryWindowMs({ attempts: 3, baseDelayMs: 1_000, maxDelayMs: 16_000, timeoutMs: 10 })).toBe(3 * 10 + 1_000 + 2_000);
  });
});

// ---- the notifier over an in-memory table -------------------------------------------------------

class MemoryAlerts implements AlertStore {
  rows: BudgetAlertRecord[] = [];
  private seq = 0;
  async insert(a: NewBudgetAlert) {
    const dup = this.rows.find((r) => r.scope === a.scope && r.scopeId === a.scopeId && r.periodStart.getTime() === a.periodStart.getTime() && r.threshold === a.threshold);
    if (dup) return null;
    const row: BudgetAlertRecord = { ...a, id: `a${++this.seq}`, deliveryStatus: "pending", deliveryAttempts: 0, deliveredAt: null, lastError: null };
    this.rows.push(row);
    return { ...row };
  }
  async recordAttempt(id: string, lastError: string | null) {
    const r = this.rows.find((x) => x.id === id)!;
    r.deliveryAttempts++;
    if (lastError !== null) r.lastError = lastError;
  }
  async finish(id: string, status: Exclude<DeliveryStatus, "pending">, lastError: string | null, at: Date) {
    Object.assign(this.rows.find((x) => x.id === id)!, { deliveryStatus: status, lastError, deliveredAt: status === "delivered" ? at : null });
  }
  async pending(before: Date) {
    return this.rows.filter((r) => r.deliveryStatus === "pending" && r.createdAt < before).map((r) => ({ ...r }));
  }
  async claim(row: BudgetAlertRecord, note: string) {
    const r = this.rows.find((x) => x.id === row.id)!;
    if (r.deliveryStatus !== "pending" || r.deliveryAttempts !== row.deliveryAttempts || r.lastError !== row.lastError) return false;
    r.lastError = note;
    return true;
  }
}

const settings = (over: Partial<AlertSettings> = {}): AlertSettings => ({
  budget_alerts: true,
  alert_thresholds: [50, 80, 100],
  alert_webhooks: [hook(), hook({ format: "slack", url: "https://hooks.slack.com/services/T/B/X" })],
  ...over,
});

async function settle(n: AlertNotifier) {
  expect((await n.flush(10_000)).completed).toBe(true);
}

describe("AlertNotifier", () => {
  afterEach(() => setClockForTests(undefined));

  it("writes one row per crossed threshold, delivers each to every webhook, once per period", async () => {
    const store = new MemoryAlerts();
    const r = scripted([200]);
    const n = new AlertNotifier({ store, post: r.post, sleep: sleeper().sleep, instance: "gw-a" });
    n.record([settlement(0, 8.5 * USD)], settings());
    await settle(n);
    expect(store.rows.map((x) => [x.threshold, x.deliveryStatus, x.deliveryAttempts])).toEqual([
      [50, "delivered", 2],
      [80, "delivered", 2],
    ]);
    expect(r.calls).toHaveLength(4);
    const json = r.calls.filter((c) => c.url.startsWith("https://hooks.example.com")).map((c) => JSON.parse(c.body));
    expect(json.map((j) => [j.threshold, j.spend_usd, j.gateway_instance, j.reset_at])).toEqual([
      [50, 8.5, "gw-a", "2026-12-01T00:00:00.000Z"],
      [80, 8.5, "gw-a", "2026-12-01T00:00:00.000Z"],
    ]);
    const slack = r.calls.filter((c) => c.url.startsWith("https://hooks.slack.com")).map((c) => JSON.parse(c.body).text);
    expect(slack[1]).toBe(":warning: Helix budget alert — team 'tm_1' reached 80% of its $10.00 monthly budget ($8.50 spent; resets 2026-12-01 00:00 UTC)");

    // The same crossing again (another request, or a replay): nothing new.
    n.record([settlement(0, 8.5 * USD)], settings());
    await settle(n);
    expect(store.rows).toHaveLength(2);
    expect(r.calls).toHaveLength(4);
  });

  it("budget_alerts false records nothing; no webhooks leaves the alert listed as 'none'", async () => {
    const store = new MemoryAlerts();
    const r = scripted([200]);
    const n = new AlertNotifier({ store, post: r.post, sleep: sleeper().sleep });
    n.record([settlement(0, 20 * USD)], settings({ budget_alerts: false }));
    await settle(n);
    expect(store.rows).toHaveLength(0);
    n.record([settlement(0, 5 * USD)], settings({ alert_webhooks: [] }));
    await settle(n);
    expect(store.rows.map((x) => [x.threshold, x.deliveryStatus, x.deliveryAttempts])).toEqual([[50, "none", 0]]);
    expect(r.calls).toHaveLength(0);
  });

  it("a failing webhook marks the alert failed with the error; the other webhook still gets it", async () => {
    const store = new MemoryAlerts();
    const post: WebhookPost = async (url) => (url.includes("slack") ? { status: 403, body: "invalid_token" } : { status: 200, body: "" });
    const n = new AlertNotifier({ store, post, sleep: sleeper().sleep });
    n.record([settlement(0, 5 * USD)], settings());
    await settle(n);
    expect(store.rows[0]).toMatchObject({ deliveryStatus: "failed", deliveryAttempts: 2, lastError: "https://hooks.slack.com/**** answered HTTP 403: invalid_token" });
  });

  it("never throws into the caller, even with a broken store or nonsense input", async () => {
    const warnings: string[] = [];
    const broken: AlertStore = { ...new MemoryAlerts(), insert: async () => Promise.reject(new Error("db down")) } as unknown as AlertStore;
    const n = new AlertNotifier({ store: broken, warn: (_f, m) => void warnings.push(m) });
    expect(() => n.record([settlement(0, 5 * USD)], settings())).not.toThrow();
    expect(() => n.record(null as unknown as BudgetSettlement[], settings())).not.toThrow();
    await settle(n);
    expect(warnings).toContain("budget alert failed");
  });

  it("bounds its queue: beyond maxQueue, jobs are dropped with a warning", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const post: WebhookPost = async () => {
      await gate;
      return { status: 200, body: "" };
    };
    const warnings: string[] = [];
    const n = new AlertNotifier({ store: new MemoryAlerts(), post, maxQueue: 2, warn: (_f, m) => void warnings.push(m) });
    for (let i = 0; i < 4; i++) n.record([settlement(0, 5 * USD, { scopeId: `t${i}` })], settings());
    expect(n.inFlight).toBe(2);
    expect(n.droppedJobs).toBe(2);
    expect(warnings.filter((w) => w.includes("queue full"))).toHaveLength(2);
    release();
    await settle(n);
  });

  it("flush gives up after its timeout, leaves the alert pending and a later start resumes it", async () => {
    const store = new MemoryAlerts();
    setClockForTests(Date.parse("2026-11-20T10:00:00Z"));
    // Retry waits that last until shutdown aborts them.
    const n = new AlertNotifier({ store, post: scripted([503]).post, instance: "gw-a", retry: { baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 } });
    n.record([settlement(0, 5 * USD)], settings({ alert_webhooks: [hook()] }));
    for (let i = 0; i < 50 && store.rows[0]?.deliveryAttempts !== 1; i++) await new Promise((r) => setTimeout(r, 5));
    const flushed = await n.flush(20);
    expect(flushed).toEqual({ completed: false, abandoned: 1 });
    expect(n.inFlight).toBe(0);
    expect(store.rows[0]).toMatchObject({ deliveryStatus: "pending", deliveryAttempts: 1 });

    // Another instance starts: too young to take over at first, taken once old enough, and only once.
    const r = scripted([200]);
    const b = new AlertNotifier({ store, post: r.post, sleep: sleeper().sleep, instance: "gw-b" });
    const c = new AlertNotifier({ store, post: r.post, sleep: sleeper().sleep, instance: "gw-c" });
    expect(await b.resumePending(settings({ alert_webhooks: [hook()] }), { minAgeMs: 60_000 })).toBe(0);
    setClockForTests(Date.parse("2026-11-20T10:05:00Z"));
    const [tb, tc] = await Promise.all([
      b.resumePending(settings({ alert_webhooks: [hook()] }), { minAgeMs: 60_000 }),
      c.resumePending(settings({ alert_webhooks: [hook()] }), { minAgeMs: 60_000 }),
    ]);
    expect(tb + tc).toBe(1);
    await settle(b);
    await settle(c);
    expect(store.rows[0]).toMatchObject({ deliveryStatus: "delivered", deliveryAttempts: 2, lastError: null });
    expect(r.calls).toHaveLength(1);
    const body = JSON.parse(r.calls[0].body);
    // The row kept the period's end and name, so the resumed alert still says when it resets.
    expect(body).toMatchObject({ alert_id: store.rows[0].id, threshold: 50, reset_at: "2026-12-01T00:00:00.000Z", period: "monthly" });
  });
});
