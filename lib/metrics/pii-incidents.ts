// The PII page's figures: detections (sums of incident counts) and incidents by entity type, by
// action and by team, a series over time per entity type, per action and per team, and the incident log with keyset pagination.
// The figures come from pii_rollups; the log reads pii_incidents through its created_at /
// (team_id, created_at) / (entity_type, created_at) indexes, newest first with a LIMIT. Values
// were never stored, so none can be shown.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { alignRange, type RollupGranularity } from "@/lib/store/usage-rollups";
import { granularityFor } from "@/lib/dashboard/ranges";

export interface PiiGroup {
  /** Entity type, action, or team id ('' for requests without a team). */
  key: string;
  /** Team name for team groups (null when the team is gone or there is none). */
  label: string | null;
  detections: number;
  incidents: number;
}

export interface PiiSummary {
  from: Date;
  to: Date;
  granularity: RollupGranularity;
  detections: number;
  incidents: number;
  byEntityType: PiiGroup[];
  byAction: PiiGroup[];
  byTeam: PiiGroup[];
  /** Detections per bucket and entity type (buckets without any are absent). */
  series: Array<{ bucket: Date; entityType: string; detections: number }>;
  /** Detections per bucket and action (buckets without any are absent). */
  seriesByAction: Array<{ bucket: Date; action: string; detections: number }>;
  /** Detections per bucket and team id ('' for requests without a team). */
  seriesByTeam: Array<{ bucket: Date; teamId: string; detections: number }>;
}

type SummaryRow = { g: number; bucket: Date | null; entity_type: string | null; action: string | null; team_id: string | null; d: number; n: number };

/**
 * From pii_rollups (kept by the incident insert), at the range's granularity: one pass over the
 * range's rollup rows, grouped four ways at once (GROUPING SETS): by entity type, by action, by
 * team, and by bucket × entity type, bucket × action and bucket × team. A year is ~365 days × the type/action/team combinations seen,
 * not every incident.
 */
export async function piiSummary(db: PrismaClient, rangeMs: number, to: Date): Promise<PiiSummary> {
  const granularity = granularityFor(rangeMs);
  const aligned = alignRange(new Date(to.getTime() - rangeMs), to, granularity);
  const rows = await db.$queryRawUnsafe<SummaryRow[]>(
    `SELECT GROUPING(entity_type, action, team_id, bucket)::int AS g, bucket, entity_type, action, team_id, ` +
      `sum(detections)::float8 AS d, sum(incidents)::float8 AS n ` +
      `FROM pii_rollups WHERE granularity = $1 AND bucket >= $2::timestamp(3) AND bucket < $3::timestamp(3) ` +
      `GROUP BY GROUPING SETS ((entity_type), (action), (team_id), (bucket, entity_type), (bucket, action), (bucket, team_id))`,
    granularity,
    aligned.from.toISOString(),
    aligned.to.toISOString(),
  );
  // GROUPING bits (entity_type, action, team_id, bucket): 1 = not grouped by that column.
  const ENTITY = 0b0111;
  const ACTION = 0b1011;
  const TEAM = 0b1101;
  const SERIES = 0b0110;
  const SERIES_ACTION = 0b1010;
  const SERIES_TEAM = 0b1100;
  const group = (r: SummaryRow, key: string | null): PiiGroup => ({ key: key ?? "", label: null, detections: Number(r.d), incidents: Number(r.n) });
  const byDetections = (a: PiiGroup, b: PiiGroup) => b.detections - a.detections || a.key.localeCompare(b.key);
  const byEntityType = rows.filter((r) => r.g === ENTITY).map((r) => group(r, r.entity_type)).sort(byDetections);
  const byAction = rows.filter((r) => r.g === ACTION).map((r) => group(r, r.action)).sort(byDetections);
  const byTeam = rows.filter((r) => r.g === TEAM).map((r) => group(r, r.team_id)).sort(byDetections);
  const ids = byTeam.map((t) => t.key).filter((k) => k !== "");
  if (ids.length > 0) {
    const names = await db.$queryRawUnsafe<Array<{ id: string; name: string }>>("SELECT id, name FROM teams WHERE id = ANY($1::text[])", ids);
    const byId = new Map(names.map((t) => [t.id, t.name]));
    for (const t of byTeam) t.label = byId.get(t.key) ?? null;
  }
  return {
    from: aligned.from,
    to: aligned.to,
    granularity,
    detections: byEntityType.reduce((s, x) => s + x.detections, 0),
    incidents: byEntityType.reduce((s, x) => s + x.incidents, 0),
    byEntityType,
    byAction,
    byTeam,
    series: rows
      .filter((r) => r.g === SERIES)
      .map((r) => ({ bucket: r.bucket as Date, entityType: r.entity_type ?? "", detections: Number(r.d) }))
      .sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.entityType.localeCompare(b.entityType)),
    seriesByAction: rows
      .filter((r) => r.g === SERIES_ACTION)
      .map((r) => ({ bucket: r.bucket as Date, action: r.action ?? "", detections: Number(r.d) }))
      .sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.action.localeCompare(b.action)),
    seriesByTeam: rows
      .filter((r) => r.g === SERIES_TEAM)
      .map((r) => ({ bucket: r.bucket as Date, teamId: r.team_id ?? "", detections: Number(r.d) }))
      .sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.teamId.localeCompare(b.teamId)),
  };
}

// ---------------------------------------------------------------------------------------------
// The incident log

export interface IncidentFilter {
  entityType?: string;
  action?: string;
  /** A team id, or null for incidents without a team. */
  teamId?: string | null;
}

export interface IncidentCursor {
  createdAt: Date;
  id: string;
}

export interface IncidentRow {
  id: string;
  createdAt: Date;
  requestId: string;
  apiKeyId: string | null;
  keyName: string | null;
  teamId: string | null;
  teamName: string | null;
  entityType: string;
  count: number;
  action: string;
  policy: string;
  recognizer: string;
  score: number;
  location: string;
}

export interface IncidentPage {
  incidents: IncidentRow[];
  /** Where the next page starts; null on the last page. */
  next: IncidentCursor | null;
}

/** An opaque cursor for URLs. */
export function encodeCursor(c: IncidentCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString("base64url");
}

/** The cursor, or null when the text is not one of ours. */
export function decodeCursor(text: string): IncidentCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string" || typeof v[1] !== "string") return null;
    const createdAt = new Date(v[0]);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: v[1] };
  } catch {
    return null;
  }
}

const DAY_MS = 86_400_000;
const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/**
 * Where the page's scan can start: the day rollups say which days hold matching incidents and how
 * many, so a filter that matches rarely (or never) does not walk a year of the created_at index.
 * null: nothing matches. The newest day counts as none (it may hold rows after `to` or the
 * cursor), so the window always holds the page's rows; older days lie wholly before the cursor.
 */
async function scanFrom(db: PrismaClient, q: { from: Date; to: Date; filter: IncidentFilter; cursor?: IncidentCursor | null; limit: number }): Promise<Date | null> {
  const until = q.cursor ? q.cursor.createdAt : new Date(q.to.getTime() - 1);
  const newest = floorDay(until);
  const params: unknown[] = [floorDay(q.from).toISOString(), newest.toISOString()];
  const where = ["granularity = 'day'", "bucket >= $1::timestamp(3)", "bucket <= $2::timestamp(3)"];
  const add = (column: string, value: string) => {
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  if (q.filter.entityType !== undefined) add("entity_type", q.filter.entityType);
  if (q.filter.action !== undefined) add("action", q.filter.action);
  if (q.filter.teamId !== undefined) add("team_id", q.filter.teamId ?? "");
  const days = await db.$queryRawUnsafe<Array<{ bucket: Date; n: number }>>(
    `SELECT bucket, sum(incidents)::float8 AS n FROM pii_rollups WHERE ${where.join(" AND ")} GROUP BY bucket ORDER BY bucket DESC`,
    ...params,
  );
  if (days.length === 0) return null;
  let seen = 0;
  for (const d of days) {
    if (d.bucket.getTime() >= newest.getTime()) continue;
    seen += Number(d.n);
    if (seen > q.limit) return d.bucket > q.from ? d.bucket : q.from;
  }
  return q.from;
}

/**
 * Incidents in [from, to), newest first (created_at desc, id desc), `limit` per page after
 * `cursor`. Keyset pagination: no row is skipped or repeated while new incidents arrive.
 */
export async function listIncidents(
  db: PrismaClient,
  q: { from: Date; to: Date; filter?: IncidentFilter; cursor?: IncidentCursor | null; limit: number },
): Promise<IncidentPage> {
  const f = q.filter ?? {};
  const limit = Math.max(1, Math.min(200, Math.floor(q.limit)));
  const from = await scanFrom(db, { ...q, filter: f, limit });
  if (from === null) return { incidents: [], next: null };
  const params: unknown[] = [from.toISOString(), q.to.toISOString()];
  const where = ["p.created_at >= $1::timestamp(3)", "p.created_at < $2::timestamp(3)"];
  if (f.entityType !== undefined) {
    params.push(f.entityType);
    where.push(`p.entity_type = $${params.length}`);
  }
  if (f.action !== undefined) {
    params.push(f.action);
    where.push(`p.action = $${params.length}`);
  }
  if (f.teamId === null) where.push("p.team_id IS NULL");
  else if (f.teamId !== undefined) {
    params.push(f.teamId);
    where.push(`p.team_id = $${params.length}`);
  }
  if (q.cursor) {
    params.push(q.cursor.createdAt.toISOString(), q.cursor.id);
    where.push(`(p.created_at, p.id) < ($${params.length - 1}::timestamp(3), $${params.length})`);
  }
  params.push(limit + 1);
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT p.id, p.created_at, p.request_id, p.api_key_id, k.name AS key_name, p.team_id, t.name AS team_name, p.entity_type, ` +
      `p.count, p.action, p.policy, p.recognizer, p.score::float8 AS score, p.location ` +
      `FROM pii_incidents p LEFT JOIN api_keys k ON k.id = p.api_key_id LEFT JOIN teams t ON t.id = p.team_id ` +
      `WHERE ${where.join(" AND ")} ORDER BY p.created_at DESC, p.id DESC LIMIT $${params.length}`,
    ...params,
  );
  const incidents: IncidentRow[] = rows.slice(0, limit).map((r) => ({
    id: String(r.id),
    createdAt: r.created_at as Date,
    requestId: String(r.request_id),
    apiKeyId: (r.api_key_id as string | null) ?? null,
    keyName: (r.key_name as string | null) ?? null,
    teamId: (r.team_id as string | null) ?? null,
    teamName: (r.team_name as string | null) ?? null,
    entityType: String(r.entity_type),
    count: Number(r.count),
    action: String(r.action),
    policy: String(r.policy),
    recognizer: String(r.recognizer),
    score: Number(r.score),
    location: String(r.location),
  }));
  const last = incidents.at(-1);
  return { incidents, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
