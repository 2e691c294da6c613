// Admin API for budgets per key, user, end user, team, org and the gateway (scope "global", id
// "global"): list, read with the current period's spend, create or replace, delete. Only the
// master key reaches these routes. An edit is enforced from this instance's next request at once
// and from every other instance's within the definitions' refresh interval (5 s).
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { budgetDefinitions, definitionFromRecord, definitionFromSpec, GLOBAL_SCOPE_ID } from "@/lib/cost/budget-definitions";
import type { BudgetDefinition, BudgetUsage } from "@/lib/cost/budget-types";
import { budgetService, periodLabel, usagePct } from "@/lib/cost/budgets";
import { nowMs } from "@/lib/cost/clock";
import { BUDGET_SCOPES, BudgetSpecSchema, type BudgetScope } from "@/lib/cost/cost-schema";
import { InvalidRequestError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import { budgetStore, type BudgetRecord } from "@/lib/store/budgets";
import { usdFromMicros as usd } from "@/lib/cost/usd";

const spec = BudgetSpecSchema.shape;
const perMinute = z.number().int().min(1).max(100_000_000).nullable().optional();

/** PUT body: a budget spec whose limit is optional (a row may carry only rpm/tpm), plus rate limits and the anchor of "days" periods. */
export const BudgetBodySchema = z
  .strictObject({
    max_budget_usd: spec.max_budget_usd.nullable().optional(),
    period: spec.period,
    period_days: spec.period_days,
    timezone: spec.timezone,
    soft: spec.soft,
    alert_thresholds: spec.alert_thresholds,
    /** Requests per minute; null or absent = unlimited. */
    rpm: perMinute,
    /** Tokens per minute; null or absent = unlimited. */
    tpm: perMinute,
    /** For period "days": where periods count from (its local midnight). Default: now, kept while the period is unchanged. */
    anchor: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.period === "days" && b.period_days === undefined) {
      ctx.addIssue({ code: "custom", path: ["period_days"], message: 'period "days" needs period_days (e.g. 14)' });
    }
    if (b.period !== "days" && b.period_days !== undefined) {
      ctx.addIssue({ code: "custom", path: ["period_days"], message: 'period_days applies only to period "days"' });
    }
    if (b.period !== "days" && b.anchor !== undefined) {
      ctx.addIssue({ code: "custom", path: ["anchor"], message: 'anchor applies only to period "days"' });
    }
    if ((b.max_budget_usd ?? null) === null && (b.rpm ?? null) === null && (b.tpm ?? null) === null) {
      ctx.addIssue({ code: "custom", path: ["max_budget_usd"], message: "a budget needs max_budget_usd, rpm or tpm" });
    }
  });

function scopeParam(scope: string): BudgetScope {
  if (!(BUDGET_SCOPES as readonly string[]).includes(scope)) {
    throw new InvalidRequestError(`Unknown budget scope '${scope}'. Use one of: ${BUDGET_SCOPES.join(", ")}.`, { param: "scope" });
  }
  return scope as BudgetScope;
}

function idParam(scope: BudgetScope, id: string): string {
  if (scope === "global" && id !== GLOBAL_SCOPE_ID) {
    throw new InvalidRequestError(`The global budget's id is '${GLOBAL_SCOPE_ID}' (/helix/budgets/global/global).`, { param: "id" });
  }
  if (id.length === 0 || id.length > 512) throw new InvalidRequestError("The budget id must be 1 to 512 characters.", { param: "id" });
  return id;
}


const NO_USAGE = {
  period_start: null,
  reset_at: null,
  spend_usd: null,
  spend_micros: null,
  reserved_usd: null,
  reserved_micros: null,
  remaining_usd: null,
  remaining_micros: null,
  used_pct: null,
};

function presentUsage(u: BudgetUsage) {
  const remaining = Math.max(0, u.limitMicros - u.spentMicros);
  return {
    period_start: u.periodStart.toISOString(),
    reset_at: u.resetAt.toISOString(),
    spend_usd: usd(u.spentMicros),
    spend_micros: u.spentMicros,
    reserved_usd: usd(u.reservedMicros),
    reserved_micros: u.reservedMicros,
    remaining_usd: usd(remaining),
    remaining_micros: remaining,
    used_pct: Math.round(usagePct(u) * 100) / 100,
  };
}

/**
 * The current period's counters of each budget (one counter read for all), or null fields for a
 * budget without a spend limit, or with `usage_unavailable: true` when the store cannot answer.
 */
async function currentUsages(defs: BudgetDefinition[]) {
  const limited = defs.filter((d) => d.limitMicros !== undefined);
  let usages: BudgetUsage[] | undefined;
  try {
    usages = await budgetService().statuses(limited);
  } catch (err) {
    logger().warn({ component: "budgets", err: err instanceof Error ? err.message : String(err) }, "budget usage unavailable");
  }
  return defs.map((d) => {
    if (d.limitMicros === undefined) return NO_USAGE;
    if (!usages) return { ...NO_USAGE, usage_unavailable: true };
    return presentUsage(usages[limited.indexOf(d)]);
  });
}

async function present(def: BudgetDefinition, record?: BudgetRecord) {
  return (await presentMany([{ def, record }]))[0];
}

async function presentMany(items: { def: BudgetDefinition; record?: BudgetRecord }[]) {
  const usages = await currentUsages(items.map((i) => i.def));
  return items.map(({ def, record }, i) => ({
    object: "budget",
    scope: def.scope,
    scope_id: def.scopeId,
    source: def.source,
    max_budget_usd: def.limitMicros === undefined ? null : usd(def.limitMicros),
    max_budget_micros: def.limitMicros ?? null,
    period: def.period,
    period_days: def.periodDays ?? null,
    period_label: periodLabel(def),
    timezone: def.timezone,
    soft: def.soft,
    alert_thresholds: def.alertThresholds,
    rpm: def.rpm ?? null,
    tpm: def.tpm ?? null,
    anchor: def.period === "days" ? def.anchor.toISOString() : null,
    ...usages[i],
    ...(record ? { created_at: record.createdAt.toISOString(), updated_at: record.updatedAt.toISOString(), updated_by: record.updatedBy } : {}),
  }));
}

const costConfig = () => getConfig().helix_settings.cost_optimization;

/** The effective budget of one scope: its row, else (global, end users) the config's. */
async function effective(scope: BudgetScope, id: string): Promise<{ def: BudgetDefinition; record?: BudgetRecord } | undefined> {
  const cfg = costConfig();
  const record = await budgetStore().get(scope, id);
  if (record) return { def: definitionFromRecord(record, cfg), record };
  if (scope === "global" && cfg.global_budget) return { def: definitionFromSpec("global", GLOBAL_SCOPE_ID, cfg.global_budget, cfg) };
  if (scope === "end_user" && cfg.end_user_budget) return { def: definitionFromSpec("end_user", id, cfg.end_user_budget, cfg) };
  return undefined;
}

/** GET /helix/budgets[?scope=team]: every stored budget with its current period, and the config's global and per-end-user budgets. */
export async function listBudgetsResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const raw = new URL(request.url).searchParams.get("scope");
  const scope = raw ? scopeParam(raw) : undefined;
  const cfg = costConfig();
  const records = await budgetStore().list(scope);
  const items: { def: BudgetDefinition; record?: BudgetRecord }[] = records.map((r) => ({ def: definitionFromRecord(r, cfg), record: r }));
  const hasGlobal = records.some((r) => r.scope === "global");
  if (!hasGlobal && cfg.global_budget && (!scope || scope === "global")) {
    items.push({ def: definitionFromSpec("global", GLOBAL_SCOPE_ID, cfg.global_budget, cfg) });
  }
  const data = await presentMany(items);
  return {
    object: "list",
    data,
    enforced: cfg.enabled,
    /** Applies to each end user (the request's `user`) without a budget of its own. */
    end_user_default: cfg.end_user_budget
      ? {
          max_budget_usd: cfg.end_user_budget.max_budget_usd,
          period: cfg.end_user_budget.period,
          period_days: cfg.end_user_budget.period_days ?? null,
          timezone: cfg.end_user_budget.timezone,
          soft: cfg.end_user_budget.soft,
          alert_thresholds: cfg.end_user_budget.alert_thresholds ?? cfg.alert_thresholds,
        }
      : null,
  };
}

/** GET /helix/budgets/{scope}/{id}: the budget and its current period (spend, reserved, remaining, used %, period start, reset). */
export async function getBudgetResponse(request: Request, rawScope: string, rawId: string) {
  await requireAdmin(request, { read: true });
  const scope = scopeParam(rawScope);
  const id = idParam(scope, rawId);
  const found = await effective(scope, id);
  if (!found) throw new NotFoundError(`No budget for ${scope} '${id}'.`, { param: "id" });
  return present(found.def, found.record);
}

/** PUT /helix/budgets/{scope}/{id}: creates (201) or replaces (200) the scope's budget. */
export async function putBudgetResponse(request: Request, rawScope: string, rawId: string) {
  const caller = await requireAdmin(request);
  const scope = scopeParam(rawScope);
  const id = idParam(scope, rawId);
  const body = await readJsonBody(request, BudgetBodySchema, getConfig().helix_settings.general.max_body_bytes);
  const store = budgetStore();
  if (!(await store.scopeExists(scope, id))) throw new NotFoundError(`No ${scope} with id '${id}'.`, { param: "id" });
  const before = await store.get(scope, id);
  const samePeriod = before?.period === "days" && body.period === "days" && before.periodDays === body.period_days;
  const anchor = body.anchor ? new Date(body.anchor) : samePeriod ? before.anchor : new Date(nowMs());
  const { budget, created } = await store.put(
    scope,
    id,
    {
      maxBudgetMicros: body.max_budget_usd === undefined || body.max_budget_usd === null ? null : Math.round(body.max_budget_usd * 1_000_000),
      period: body.period,
      periodDays: body.period_days ?? null,
      timezone: body.timezone,
      soft: body.soft,
      alertThresholds: body.alert_thresholds ?? [],
      rpm: body.rpm ?? null,
      tpm: body.tpm ?? null,
      anchor,
    },
    caller.by,
  );
  budgetDefinitions().invalidate();
  logger().info({ component: "budgets", scope, scopeId: id, maxBudgetMicros: budget.maxBudgetMicros, period: budget.period, updatedBy: caller.by }, created ? "budget created" : "budget replaced");
  return Response.json(await present(definitionFromRecord(budget, costConfig()), budget), { status: created ? 201 : 200 });
}

/** DELETE /helix/budgets/{scope}/{id}: the scope has no budget of its own again (global and end users fall back to the config's). */
export async function deleteBudgetResponse(request: Request, rawScope: string, rawId: string) {
  const caller = await requireAdmin(request);
  const scope = scopeParam(rawScope);
  const id = idParam(scope, rawId);
  if (!(await budgetStore().delete(scope, id))) throw new NotFoundError(`No stored budget for ${scope} '${id}'.`, { param: "id" });
  budgetDefinitions().invalidate();
  logger().info({ component: "budgets", scope, scopeId: id, updatedBy: caller.by }, "budget deleted");
  return { object: "budget.deleted", scope, scope_id: id, deleted: true };
}
