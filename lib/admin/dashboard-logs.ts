// GET /api/dashboard/logs and /api/dashboard/logs/{id}: the request log explorer (any signed-in role).
// Parameters and presentation here; the bounded queries are lib/metrics/request-log-query.ts.
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getConfig } from "@/lib/config/loader";
import { InvalidRequestError, NotFoundError } from "@/lib/errors";
import { getDb } from "@/lib/store/db";
import { nowMs } from "@/lib/cost/clock";
import { usdFromMicros as usd } from "@/lib/cost/usd";
import { DASHBOARD_RANGES, DEFAULT_RANGE, isDashboardRange } from "@/lib/dashboard/ranges";
import {
  CACHE_STATUSES,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  STATUS_CLASSES,
  decodeCursor,
  encodeCursor,
  namesFor,
  queryRequestLogs,
  requestLogDetail,
  type CacheStatusFilter,
  type LogFilters,
  type StatusClass,
} from "@/lib/metrics/request-log-query";

const MAX_SPAN_MS = DASHBOARD_RANGES["365d"];

function text(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === "") return undefined;
  if (v.length > 300) throw new InvalidRequestError(`'${name}' is too long.`, { param: name });
  return v.trim();
}

function time(q: URLSearchParams, name: string): Date | undefined {
  const v = text(q, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidRequestError(`'${name}' must be an ISO 8601 time.`, { param: name });
  return d;
}

export interface ParsedLogQuery {
  filters: LogFilters;
  range: string | null;
  limit: number;
  cursor: ReturnType<typeof decodeCursor> | null;
}

export function parseLogQuery(url: URL, now = new Date(nowMs())): ParsedLogQuery {
  const q = url.searchParams;
  let from = time(q, "from");
  let to = time(q, "to");
  let range: string | null = null;
  if (from || to) {
    to ??= now;
    from ??= new Date(to.getTime() - DASHBOARD_RANGES[DEFAULT_RANGE]);
    if (from >= to) throw new InvalidRequestError("'from' must be before 'to'.", { param: "from" });
    if (to.getTime() - from.getTime() > MAX_SPAN_MS) throw new InvalidRequestError("The time range may span at most 365 days.", { param: "from" });
  } else {
    const raw = text(q, "range") ?? DEFAULT_RANGE;
    if (!isDashboardRange(raw)) throw new InvalidRequestError(`Unknown range '${raw}'. Use one of: ${Object.keys(DASHBOARD_RANGES).join(", ")}.`, { param: "range" });
    range = raw;
    to = now;
    from = new Date(now.getTime() - DASHBOARD_RANGES[raw]);
  }

  const filters: LogFilters = { from, to };
  filters.apiKeyId = text(q, "key");
  filters.teamId = text(q, "team");
  filters.model = text(q, "model");
  filters.endUser = text(q, "end_user");
  const status = text(q, "status");
  if (status !== undefined) {
    if ((STATUS_CLASSES as readonly string[]).includes(status)) filters.status = status as StatusClass;
    else if (/^[1-9]\d{2}$/.test(status)) filters.status = Number(status);
    else throw new InvalidRequestError(`Unknown status '${status}'. Use one of: ${STATUS_CLASSES.join(", ")}, or a 3-digit HTTP status.`, { param: "status" });
  }
  const cache = text(q, "cache");
  if (cache !== undefined) {
    const up = cache.toUpperCase();
    if (!(CACHE_STATUSES as readonly string[]).includes(up)) throw new InvalidRequestError(`Unknown cache status '${cache}'. Use one of: ${CACHE_STATUSES.join(", ")}.`, { param: "cache" });
    filters.cache = up as CacheStatusFilter;
  }
  for (const k of Object.keys(filters) as Array<keyof LogFilters>) if (filters[k] === undefined) delete filters[k];

  const rawLimit = text(q, "limit");
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidRequestError(`'limit' must be an integer from 1 to ${MAX_LIMIT}.`, { param: "limit" });
  }
  const rawCursor = q.get("cursor");
  const cursor = rawCursor === null || rawCursor === "" ? null : decodeCursor(rawCursor);
  return { filters, range, limit, cursor };
}

export async function logsResponse(request: Request) {
  await requireDashboardSession(request);
  const { filters, range, limit, cursor } = parseLogQuery(new URL(request.url));
  const db = await getDb();
  const page = await queryRequestLogs(db, filters, { limit, cursor });
  const keyIds = [...new Set(page.rows.map((r) => r.apiKeyId).filter((x): x is string => !!x))];
  const teamIds = [...new Set(page.rows.map((r) => r.teamId).filter((x): x is string => !!x))];
  const names = await namesFor(db, keyIds, teamIds);
  return {
    object: "list",
    range,
    from: filters.from.toISOString(),
    to: filters.to.toISOString(),
    data: page.rows.map((r) => ({
      id: r.id,
      created_at: r.createdAt.toISOString(),
      endpoint: r.endpoint,
      api_key_id: r.apiKeyId,
      key_name: r.apiKeyId ? (names.keys.get(r.apiKeyId)?.name ?? null) : null,
      key_prefix: r.apiKeyId ? (names.keys.get(r.apiKeyId)?.prefix ?? null) : null,
      key_hash: r.keyHash ? r.keyHash.slice(0, 12) : null,
      team_id: r.teamId,
      team_name: r.teamId ? (names.teams.get(r.teamId) ?? null) : null,
      end_user: r.endUser,
      requested_model: r.requestedModel,
      served_model: r.servedModel,
      provider: r.provider,
      status: r.status,
      error_type: r.errorType,
      stream: r.stream,
      cache_status: r.cacheStatus,
      cache_similarity: r.cacheSimilarity,
      latency_ms: r.latencyMs,
      input_tokens: r.inputTokens,
      output_tokens: r.outputTokens,
      cost_usd: r.costMicros === null ? null : usd(r.costMicros),
      cost_status: r.costStatus,
    })),
    has_more: page.next !== null,
    next_cursor: page.next ? encodeCursor(page.next) : null,
    // A short page cut by the scan bound: nothing matched between the last row shown and searched_to.
    partial: page.partial,
    searched_to: page.partial && page.next ? page.next.createdAt.toISOString() : null,
    scanned: page.scanned,
  };
}

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function logDetailResponse(request: Request, id: string) {
  await requireDashboardSession(request);
  if (!id || id.length > 200) throw new InvalidRequestError("Invalid request id.", { param: "id" });
  const db = await getDb();
  const d = await requestLogDetail(db, id);
  if (!d) throw new NotFoundError(`No request '${id}' in the log.`, { param: "id" });
  const r = d.row;
  const names = await namesFor(db, r.apiKeyId ? [String(r.apiKeyId)] : [], r.teamId ? [String(r.teamId)] : []);
  const storePrompts = getConfig().helix_settings.general.store_prompts;
  const micros = (v: unknown) => (v === null || v === undefined ? null : usd(Number(v)));
  return {
    object: "dashboard.request_log",
    id: r.id,
    created_at: iso(r.createdAt),
    endpoint: r.endpoint,
    api_key_id: r.apiKeyId ?? null,
    key_name: r.apiKeyId ? (names.keys.get(String(r.apiKeyId))?.name ?? null) : null,
    key_prefix: r.apiKeyId ? (names.keys.get(String(r.apiKeyId))?.prefix ?? null) : null,
    key_hash: typeof r.keyHash === "string" ? r.keyHash.slice(0, 12) : null,
    user_id: r.userId ?? null,
    team_id: r.teamId ?? null,
    team_name: r.teamId ? (names.teams.get(String(r.teamId)) ?? null) : null,
    org_id: r.orgId ?? null,
    end_user: r.endUser ?? null,
    requested_model: r.requestedModel,
    served_model: r.servedModel ?? null,
    provider: r.provider ?? null,
    status: r.status,
    error_type: r.errorType ?? null,
    error_message: r.errorMessage ?? null,
    stream: r.stream,
    cache_status: r.cacheStatus ?? null,
    cache_similarity: num(r.cacheSimilarity),
    cache_saved_ms: num(r.cacheSavedMs),
    attempts: r.attempts,
    latency_ms: num(r.latencyMs),
    upstream_latency_ms: num(r.upstreamLatencyMs),
    ttft_ms: num(r.ttftMs),
    input_tokens: num(r.inputTokens),
    output_tokens: num(r.outputTokens),
    cached_input_tokens: num(r.cachedInputTokens),
    reasoning_tokens: num(r.reasoningTokens),
    cost_usd: micros(r.costMicros),
    cost_status: r.costStatus ?? null,
    price_source: r.priceSource ?? null,
    cache_savings_usd: micros(r.cacheSavingsMicros),
    swap_savings_usd: micros(r.swapSavingsMicros),
    swap_rule: r.swapRule ?? null,
    swap_reason: r.swapReason ?? null,
    // Types, counts and actions only: incidents never hold the detected values.
    pii_incidents: d.incidents.map((i) => ({
      entity_type: i.entityType,
      count: i.count,
      action: i.action,
      policy: i.policy,
      recognizer: i.recognizer,
      score: i.score,
      location: i.location,
    })),
    store_prompts: storePrompts,
    prompt_stored: storePrompts && r.prompt !== null && r.prompt !== undefined,
    prompt: storePrompts ? (r.prompt ?? null) : null,
    response: storePrompts ? (r.response ?? null) : null,
    prompt_note: storePrompts
      ? r.prompt === null || r.prompt === undefined
        ? "No prompt was stored for this request (it was logged while general.store_prompts was off)."
        : null
      : "Prompts are not stored (general.store_prompts: false).",
  };
}
