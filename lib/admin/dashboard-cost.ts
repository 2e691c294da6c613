// GET /api/dashboard/cost?range=&dimension=&top=: the cost page's spend breakdown (any signed-in
// role); GET /api/dashboard/cost/budgets: every budget and the recent alerts, with the names of
// the keys, teams and users they belong to (the /helix/budgets and /helix/alerts lists, labelled).
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { InvalidRequestError } from "@/lib/errors";
import { getDb } from "@/lib/store/db";
import { usdFromMicros as usd } from "@/lib/cost/usd";
import type { UsageTotals } from "@/lib/store/usage-rollups";
import { COST_DIMENSIONS, DEFAULT_TOP, MAX_TOP, costAnalysis, type CostDimension } from "@/lib/metrics/cost-analysis";
import { resolveLabels, resolveMixedLabels, type LabelKind } from "@/lib/metrics/labels";
import { listBudgetsResponse } from "./budgets";
import { listAlertsResponse } from "./alerts";
import { parseRange } from "./dashboard-range";

function present(t: UsageTotals) {
  return {
    requests: t.requests,
    errors: t.errors,
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    spend_usd: usd(t.costMicros),
    cache_hits: t.cacheHits,
    cache_savings_usd: usd(t.cacheSavingsMicros),
    swaps: t.swaps,
    swap_savings_usd: usd(t.swapSavingsMicros),
    unknown_cost_requests: t.unknownCost,
  };
}

function parseDimension(url: URL): CostDimension {
  const raw = url.searchParams.get("dimension") ?? "model";
  if (!(COST_DIMENSIONS as readonly string[]).includes(raw)) {
    throw new InvalidRequestError(`Unknown dimension '${raw}'. Use one of: ${COST_DIMENSIONS.join(", ")}.`, { param: "dimension" });
  }
  return raw as CostDimension;
}

function parseTop(url: URL): number {
  const raw = url.searchParams.get("top");
  if (raw === null || raw === "") return DEFAULT_TOP;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) throw new InvalidRequestError(`top must be a whole number from 1 to ${MAX_TOP}.`, { param: "top" });
  return n;
}

export async function costResponse(request: Request) {
  await requireDashboardSession(request);
  const url = new URL(request.url);
  const { range, rangeMs, to } = parseRange(request);
  const dimension = parseDimension(url);
  const top = parseTop(url);
  const db = await getDb();
  const c = await costAnalysis(db, { dimension, rangeMs, to, top });
  const labels = await resolveLabels(db, dimension, c.groups.map((g) => g.value));
  const share = (micros: number) => (c.totals.costMicros > 0 ? micros / c.totals.costMicros : null);
  return {
    object: "dashboard.cost",
    range,
    dimension,
    from: c.from.toISOString(),
    to: c.to.toISOString(),
    granularity: c.granularity,
    totals: present(c.totals),
    groups: c.groups.map((g) => ({
      value: g.value,
      name: labels.get(g.value)?.name ?? g.value,
      known: labels.get(g.value)?.known ?? false,
      share: share(g.costMicros),
      ...present(g),
    })),
    other: { values: c.other.values, share: share(c.other.costMicros), ...present(c.other) },
    unattributed: { share: share(c.unattributed.costMicros), ...present(c.unattributed) },
    series: c.series.map((b) => ({
      bucket: b.bucket.toISOString(),
      by_value: Object.fromEntries(Object.entries(b.byValue).map(([k, v]) => [k, usd(v)])),
      other_usd: usd(b.otherMicros),
      spend_usd: usd(b.spendMicros),
      requests: b.requests,
      cache_savings_usd: usd(b.cacheSavingsMicros),
      swap_savings_usd: usd(b.swapSavingsMicros),
      swaps: b.swaps,
      unknown_cost_requests: b.unknownCost,
    })),
    unknown_by_model: c.unknownByModel,
  };
}

const RECENT_ALERTS = 20;

/** A request for the /helix list handlers carrying only the session cookie (already checked). */
function innerRequest(request: Request, path: string): Request {
  return new Request(new URL(path, request.url), { headers: { cookie: request.headers.get("cookie") ?? "" } });
}

export async function costBudgetsResponse(request: Request) {
  await requireDashboardSession(request);
  const [budgets, alerts] = await Promise.all([
    listBudgetsResponse(innerRequest(request, "/helix/budgets")),
    listAlertsResponse(innerRequest(request, `/helix/alerts?limit=${RECENT_ALERTS}`)),
  ]);
  const label = await resolveMixedLabels(await getDb(), [
    ...budgets.data.map((b) => ({ kind: b.scope as LabelKind, id: b.scope_id })),
    ...alerts.data.map((a) => ({ kind: a.scope as LabelKind, id: a.scope_id })),
  ]);
  return {
    object: "dashboard.cost.budgets",
    enforced: budgets.enforced,
    end_user_default: budgets.end_user_default,
    budgets: budgets.data.map((b) => ({ ...b, name: label(b.scope as LabelKind, b.scope_id).name })),
    alerts: alerts.data.map((a) => ({ ...a, name: label(a.scope as LabelKind, a.scope_id).name })),
    alerts_has_more: alerts.has_more,
  };
}
