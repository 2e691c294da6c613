// Admin API for budget alerts: the dashboard's list (newest first, with each alert's webhook
// delivery state, so failed deliveries are visible) and a test POST to the configured webhooks.
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { percentSpent, testWebhooks, type WebhookPost } from "@/lib/cost/alerts";
import { BUDGET_SCOPES } from "@/lib/cost/cost-schema";
import { InvalidRequestError } from "@/lib/errors";
import { budgetAlertStore, type AlertCursor, type BudgetAlertRecord, type BudgetAlertStore } from "@/lib/store/budget-alerts";
import { usdFromMicros as usd } from "@/lib/cost/usd";

export const DEFAULT_ALERT_PAGE = 50;
export const MAX_ALERT_PAGE = 200;


export function presentAlert(a: BudgetAlertRecord) {
  return {
    object: "budget.alert",
    id: a.id,
    scope: a.scope,
    scope_id: a.scopeId,
    threshold: a.threshold,
    spend_usd: usd(a.spendMicros),
    limit_usd: usd(a.limitMicros),
    percent: percentSpent(a.spendMicros, a.limitMicros),
    soft: a.soft,
    period_start: a.periodStart.toISOString(),
    reset_at: a.resetAt ? a.resetAt.toISOString() : null,
    period: a.period ?? null,
    created_at: a.createdAt.toISOString(),
    delivery_status: a.deliveryStatus,
    delivery_attempts: a.deliveryAttempts,
    delivered_at: a.deliveredAt ? a.deliveredAt.toISOString() : null,
    last_error: a.lastError,
  };
}

/** Opaque page cursor: base64url of [created_at, id] of the last row shown. */
export function encodeCursor(c: AlertCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString("base64url");
}

export function decodeCursor(raw: string): AlertCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at !== "string" || typeof id !== "string" || Number.isNaN(createdAt.getTime())) throw new Error("shape");
    return { createdAt, id };
  } catch {
    throw new InvalidRequestError("Invalid cursor: pass the next_cursor of a previous page unchanged.", { param: "cursor" });
  }
}

const ListQuery = z.object({
  scope: z.enum(BUDGET_SCOPES).optional(),
  scope_id: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ALERT_PAGE).default(DEFAULT_ALERT_PAGE),
  cursor: z.string().min(1).max(2_000).optional(),
});

function parseQuery(url: URL) {
  const raw = Object.fromEntries([...url.searchParams.entries()].filter(([, v]) => v !== ""));
  const parsed = ListQuery.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue?.path[0] ?? "query");
    const hint =
      param === "scope" ? ` Use one of: ${BUDGET_SCOPES.join(", ")}.` : param === "limit" ? ` Use a whole number from 1 to ${MAX_ALERT_PAGE}.` : "";
    throw new InvalidRequestError(`Invalid ${param}: ${issue?.message ?? "bad value"}.${hint}`, { param });
  }
  return parsed.data;
}

/**
 * GET /helix/alerts[?scope=team&scope_id=…&limit=50&cursor=…]: budget alerts, newest first, with
 * their delivery status, attempts and last error. `next_cursor` fetches the next (older) page.
 */
export async function listAlertsResponse(request: Request, store: BudgetAlertStore = budgetAlertStore()) {
  await requireAdmin(request, { read: true });
  const q = parseQuery(new URL(request.url));
  const page = await store.list({ scope: q.scope, scopeId: q.scope_id, limit: q.limit, cursor: q.cursor ? decodeCursor(q.cursor) : undefined });
  return {
    object: "list",
    data: page.data.map(presentAlert),
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
  };
}

/**
 * POST /helix/alerts/test: one test message to each configured webhook (alert_webhooks), in its
 * format, and what each answered. URLs are shown masked.
 */
export async function testAlertsResponse(request: Request, opts: { post?: WebhookPost; timeoutMs?: number } = {}) {
  await requireAdmin(request);
  const cost = getConfig().helix_settings.cost_optimization;
  const webhooks = cost.alert_webhooks;
  const results = await testWebhooks(webhooks, opts);
  return {
    object: "budget.alert_test",
    budget_alerts: cost.budget_alerts,
    ok: results.length > 0 && results.every((r) => r.ok),
    webhooks: results,
    ...(webhooks.length === 0
      ? { message: "No webhooks configured: add helix_settings.cost_optimization.alert_webhooks (url, format json|slack, headers) to the config." }
      : !cost.budget_alerts
        ? { message: "cost_optimization.budget_alerts is false: these webhooks receive no alerts until it is turned on." }
        : {}),
  };
}
