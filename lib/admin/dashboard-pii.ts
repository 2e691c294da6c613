// GET /api/dashboard/pii?range= (detections by entity type, action and team, and a series over
// time for each of the three) and GET /api/dashboard/pii/incidents?range=&entity_type=&action=&team=&cursor=&limit=
// (the incident log, newest first). Any signed-in role; there are no values to hide: none is stored.
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { PII_ACTIONS } from "@/lib/config/schema";
import { InvalidRequestError } from "@/lib/errors";
import { decodeCursor, encodeCursor, listIncidents, piiSummary, type IncidentFilter, type PiiGroup } from "@/lib/metrics/pii-incidents";
import { alignRange } from "@/lib/store/usage-rollups";
import { granularityFor } from "@/lib/dashboard/ranges";
import { getDb } from "@/lib/store/db";
import { parseRange } from "./dashboard-range";

/** The team filter's value for incidents without a team. */
export const NO_TEAM = "none";

const group = (g: PiiGroup) => ({ detections: g.detections, incidents: g.incidents });

/** The team's name; teams in different orgs may share one, so those get their id's tail too. */
function teamLabel(g: PiiGroup, all: PiiGroup[]): string {
  if (g.label === null) return `deleted team ${g.key}`;
  return all.some((o) => o !== g && o.label === g.label) ? `${g.label} (…${g.key.slice(-6)})` : g.label;
}

export async function piiSummaryResponse(request: Request) {
  await requireDashboardSession(request);
  const { range, rangeMs, to } = parseRange(request);
  const s = await piiSummary(await getDb(), rangeMs, to);
  // Points per bucket: { bucket, counts: { <entity type | action | team id>: detections } }.
  const perBucket = <P extends { bucket: Date; detections: number }>(points: P[], key: (p: P) => string) => {
    const out = new Map<string, Record<string, number>>();
    for (const p of points) {
      const bucket = p.bucket.toISOString();
      const counts = out.get(bucket) ?? {};
      counts[key(p)] = p.detections;
      out.set(bucket, counts);
    }
    return [...out].map(([bucket, counts]) => ({ bucket, counts }));
  };
  return {
    object: "dashboard.pii",
    range,
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    granularity: s.granularity,
    detections: s.detections,
    incidents: s.incidents,
    by_entity_type: s.byEntityType.map((g) => ({ entity_type: g.key, ...group(g) })),
    by_action: s.byAction.map((g) => ({ action: g.key, ...group(g) })),
    // Names, not ids; a deleted team keeps its id so its incidents stay filterable.
    by_team: s.byTeam.map((g) => ({ team_id: g.key === "" ? NO_TEAM : g.key, team: g.key === "" ? null : teamLabel(g, s.byTeam), ...group(g) })),
    series: perBucket(s.series, (p) => p.entityType),
    series_by_action: perBucket(s.seriesByAction, (p) => p.action),
    // Keyed like by_team's team_id ("none" for requests without a team).
    series_by_team: perBucket(s.seriesByTeam, (p) => (p.teamId === "" ? NO_TEAM : p.teamId)),
  };
}

const MAX_TEXT = 200;

function textParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (v.length > MAX_TEXT) throw new InvalidRequestError(`'${name}' is too long (at most ${MAX_TEXT} characters).`, { param: name });
  return v;
}

export async function piiIncidentsResponse(request: Request) {
  await requireDashboardSession(request);
  const { range, rangeMs, to } = parseRange(request);
  const q = new URL(request.url).searchParams;
  const filter: IncidentFilter = {};
  const entityType = textParam(q, "entity_type");
  if (entityType !== undefined) filter.entityType = entityType;
  const action = textParam(q, "action");
  if (action !== undefined) {
    if (!(PII_ACTIONS as readonly string[]).includes(action)) {
      throw new InvalidRequestError(`Unknown action '${action}'. Use one of: ${PII_ACTIONS.join(", ")}.`, { param: "action" });
    }
    filter.action = action;
  }
  const team = textParam(q, "team");
  if (team !== undefined) filter.teamId = team === NO_TEAM ? null : team;
  const rawCursor = textParam(q, "cursor");
  const cursor = rawCursor === undefined ? null : decodeCursor(rawCursor);
  if (rawCursor !== undefined && !cursor) throw new InvalidRequestError("'cursor' is not a cursor this API returned.", { param: "cursor" });
  const rawLimit = q.get("limit");
  const limit = rawLimit === null || rawLimit === "" ? 50 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequestError("'limit' must be an integer from 1 to 200.", { param: "limit" });
  // The same aligned range as the summary, so the log and the totals agree.
  const aligned = alignRange(new Date(to.getTime() - rangeMs), to, granularityFor(rangeMs));
  const page = await listIncidents(await getDb(), { from: aligned.from, to: aligned.to, filter, cursor, limit });
  return {
    object: "list",
    range,
    data: page.incidents.map((r) => ({
      id: r.id,
      created_at: r.createdAt.toISOString(),
      request_id: r.requestId,
      api_key_id: r.apiKeyId,
      key: r.keyName,
      team_id: r.teamId,
      team: r.teamName,
      entity_type: r.entityType,
      count: r.count,
      action: r.action,
      policy: r.policy,
      recognizer: r.recognizer,
      score: r.score,
      location: r.location,
    })),
    has_more: page.next !== null,
    next_cursor: page.next ? encodeCursor(page.next) : null,
  };
}
