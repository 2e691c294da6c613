// The request log explorer's queries: a filtered, newest-first, keyset-paginated read of
// request_logs that is bounded by an index whatever the filters.
//
// How it stays bounded: one filter "drives" the scan — an equality on the leading column of one of
// request_logs' (x, created_at) indexes (or created_at alone), read newest first with LIMIT. The
// other filters are applied to what that scan read. When they are selective, the scan stops after
// `scanBudget` rows and the page comes back short with a cursor at the last row *read*, so the next
// call continues from there: every call reads at most a few budgets of rows, and a filter matching
// nothing over a year costs the same as one matching everything (the UI says how far back it looked).
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { InvalidRequestError } from "@/lib/errors";

export const STATUS_CLASSES = ["2xx", "4xx", "5xx", "error"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export const CACHE_STATUSES = ["HIT", "SEMANTIC_HIT", "MISS", "BYPASS"] as const;
export type CacheStatusFilter = (typeof CACHE_STATUSES)[number];

export interface LogFilters {
  from: Date;
  to: Date;
  apiKeyId?: string;
  teamId?: string;
  model?: string;
  /** A class, or one HTTP status code. */
  status?: StatusClass | number;
  cache?: CacheStatusFilter;
  endUser?: string;
}

export interface LogPosition {
  createdAt: Date;
  id: string;
}

export interface LogRow {
  id: string;
  createdAt: Date;
  endpoint: string;
  apiKeyId: string | null;
  keyHash: string | null;
  teamId: string | null;
  userId: string | null;
  endUser: string | null;
  requestedModel: string;
  servedModel: string | null;
  provider: string | null;
  status: number;
  errorType: string | null;
  stream: boolean;
  cacheStatus: string | null;
  cacheSimilarity: number | null;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costMicros: number | null;
  costStatus: string | null;
}

export interface LogPage {
  rows: LogRow[];
  /** Where the next page starts; null when the range is exhausted. */
  next: LogPosition | null;
  /** True when the page was cut short by the scan budget: `next` is where the search stopped, not a row shown. */
  partial: boolean;
  /** Rows read to build the page (for tests and the UI's "searched back to"). */
  scanned: number;
  /** Which index drove the scan. */
  driver: "created_at" | "api_key_id" | "team_id" | "requested_model" | "status" | "cache_status";
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Rows one scan chunk may read: about 5–15 ms on 1M rows on PostgreSQL. */
export const DEFAULT_SCAN_BUDGET = 5_000;
/** Chunks per call before a short ("partial") page: at most 15,000 rows read, ~40–150 ms on 1M rows (cold pages, loaded machine). */
export const DEFAULT_MAX_CHUNKS = 3;

// ---- cursor: base64url of [created_at ISO, id] ---------------------------------------------------

export function encodeCursor(p: LogPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt.toISOString(), p.id]), "utf8").toString("base64url");
}

/** Parses a cursor from encodeCursor; anything else is a 400 naming `cursor`. */
export function decodeCursor(raw: string): LogPosition {
  const bad = () => new InvalidRequestError("Invalid 'cursor': pass back the next_cursor of a previous page unchanged.", { param: "cursor" });
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(raw)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string" || typeof v[1] !== "string") throw bad();
  const [iso, id] = v as [string, string];
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso) || id.length === 0 || id.length > 200) throw bad();
  const createdAt = new Date(iso);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) throw bad();
  return { createdAt, id };
}

// ---- query building ---------------------------------------------------------------------------------

const COLUMNS =
  "id, created_at, endpoint, api_key_id, key_hash, team_id, user_id, end_user, requested_model, served_model, provider, status, error_type, " +
  "stream, cache_status, cache_similarity, latency_ms, input_tokens, output_tokens, cost_micros::float8 AS cost_micros, cost_status";

function statusRange(s: StatusClass | number): [number, number] {
  if (typeof s === "number") return [s, s + 1];
  switch (s) {
    case "2xx":
      return [200, 300];
    case "4xx":
      return [400, 500];
    case "5xx":
      return [500, 600];
    case "error":
      return [400, 1000];
  }
}

// A rough share of rows each filter keeps: the driver is the filter expected to keep the fewest,
// so the scan reads the fewest rows that the other filters then throw away.
function share(f: LogFilters, d: LogPage["driver"]): number {
  switch (d) {
    case "api_key_id":
      return f.apiKeyId ? 0.02 : 1;
    case "team_id":
      return f.teamId ? 0.25 : 1;
    case "requested_model":
      return f.model ? 0.2 : 1;
    case "status": {
      if (f.status === undefined) return 1;
      return statusRange(f.status)[0] >= 400 ? 0.04 : 0.9;
    }
    case "cache_status":
      return f.cache === undefined ? 1 : f.cache === "MISS" ? 0.6 : f.cache === "HIT" ? 0.15 : 0.05;
    case "created_at":
      return 1;
  }
}

export function chooseDriver(f: LogFilters): LogPage["driver"] {
  const candidates: Array<LogPage["driver"]> = ["api_key_id", "status", "cache_status", "requested_model", "team_id"];
  let best: LogPage["driver"] = "created_at";
  let bestShare = 1;
  for (const c of candidates) {
    const s = share(f, c);
    if (s < bestShare) {
      best = c;
      bestShare = s;
    }
  }
  return best;
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The status codes present in [lo, hi): a skip scan of the (status, created_at) index, one probe per code. */
async function statusCodes(db: PrismaClient, lo: number, hi: number): Promise<number[]> {
  const rows = await db.$queryRawUnsafe<Array<{ s: number }>>(
    `WITH RECURSIVE c(s) AS (
       SELECT min(status) FROM request_logs WHERE status >= $1 AND status < $2
       UNION ALL
       SELECT (SELECT min(status) FROM request_logs WHERE status > c.s AND status < $2) FROM c WHERE c.s IS NOT NULL
     ) SELECT s FROM c WHERE s IS NOT NULL`,
    lo,
    hi,
  );
  return rows.map((r) => Number(r.s));
}

interface RawRow {
  id: string;
  created_at: Date;
  endpoint: string;
  api_key_id: string | null;
  key_hash: string | null;
  team_id: string | null;
  user_id: string | null;
  end_user: string | null;
  requested_model: string;
  served_model: string | null;
  provider: string | null;
  status: number;
  error_type: string | null;
  stream: boolean;
  cache_status: string | null;
  cache_similarity: number | null;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_micros: number | null;
  cost_status: string | null;
  tail: boolean;
  scanned: number | bigint;
}

function toRow(r: RawRow): LogRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    endpoint: r.endpoint,
    apiKeyId: r.api_key_id,
    keyHash: r.key_hash,
    teamId: r.team_id,
    userId: r.user_id,
    endUser: r.end_user,
    requestedModel: r.requested_model,
    servedModel: r.served_model,
    provider: r.provider,
    status: Number(r.status),
    errorType: r.error_type,
    stream: r.stream,
    cacheStatus: r.cache_status,
    cacheSimilarity: r.cache_similarity === null ? null : Number(r.cache_similarity),
    latencyMs: Number(r.latency_ms),
    inputTokens: r.input_tokens === null ? null : Number(r.input_tokens),
    outputTokens: r.output_tokens === null ? null : Number(r.output_tokens),
    costMicros: r.cost_micros === null ? null : Number(r.cost_micros),
    costStatus: r.cost_status,
  };
}

interface Chunk {
  matches: LogRow[];
  /** The oldest row read, and how many were read. */
  tail: LogPosition | null;
  scanned: number;
}

/** One bounded chunk: read ≤ budget rows newest-first by the driver's index below `before`, keep ≤ want matches. */
async function chunk(
  db: PrismaClient,
  f: LogFilters,
  driver: LogPage["driver"],
  codes: number[] | null,
  before: LogPosition | null,
  budget: number,
  want: number,
): Promise<Chunk> {
  const p = new Params();
  const from = p.add(f.from.toISOString());
  const to = p.add(f.to.toISOString());
  let bound = `created_at >= ${from}::timestamp(3) AND created_at < ${to}::timestamp(3)`;
  if (before) {
    const ct = p.add(before.createdAt.toISOString());
    const cid = p.add(before.id);
    // The plain `created_at <=` bounds the index range; the OR breaks ties on id.
    bound += ` AND created_at <= ${ct}::timestamp(3) AND (created_at < ${ct}::timestamp(3) OR id < ${cid})`;
  }
  const lim = p.add(budget);
  const scan = (eq: string) => `SELECT ${COLUMNS} FROM request_logs WHERE ${eq}${bound} ORDER BY created_at DESC, id DESC LIMIT ${lim}`;

  let scanSql: string;
  const residual: string[] = [];
  const [slo, shi] = f.status === undefined ? [0, 0] : statusRange(f.status);
  if (driver === "status") {
    // One ordered index scan per status code present, merged: `status IN (…)` could not be read in created_at order.
    const branches = (codes ?? []).map((c) => `(${scan(`status = ${Number(c)} AND `)})`);
    scanSql = branches.length === 0 ? `${scan("false AND ")}` : `SELECT * FROM (${branches.join(" UNION ALL ")}) u ORDER BY created_at DESC, id DESC LIMIT ${lim}`;
  } else {
    const eq =
      driver === "api_key_id"
        ? `api_key_id = ${p.add(f.apiKeyId)} AND `
        : driver === "team_id"
          ? `team_id = ${p.add(f.teamId)} AND `
          : driver === "requested_model"
            ? `requested_model = ${p.add(f.model)} AND `
            : driver === "cache_status"
              ? `cache_status = ${p.add(f.cache)} AND `
              : "";
    scanSql = scan(eq);
    if (f.status !== undefined) residual.push(`status >= ${slo} AND status < ${shi}`);
  }
  if (driver !== "api_key_id" && f.apiKeyId !== undefined) residual.push(`api_key_id = ${p.add(f.apiKeyId)}`);
  if (driver !== "team_id" && f.teamId !== undefined) residual.push(`team_id = ${p.add(f.teamId)}`);
  if (driver !== "requested_model" && f.model !== undefined) residual.push(`requested_model = ${p.add(f.model)}`);
  if (driver !== "cache_status" && f.cache !== undefined) residual.push(`cache_status = ${p.add(f.cache)}`);
  if (f.endUser !== undefined) residual.push(`end_user = ${p.add(f.endUser)}`);
  const want$ = p.add(want);
  const where = residual.length ? `WHERE ${residual.join(" AND ")}` : "";

  const sql =
    `WITH scanned AS MATERIALIZED (${scanSql}) ` +
    `SELECT m.*, false AS tail, 0 AS scanned FROM (SELECT * FROM scanned ${where} ORDER BY created_at DESC, id DESC LIMIT ${want$}) m ` +
    `UNION ALL SELECT t.*, true AS tail, (SELECT count(*) FROM scanned)::int AS scanned FROM (SELECT * FROM scanned ORDER BY created_at ASC, id ASC LIMIT 1) t`;
  // The scan must be the driver's index read newest first. With missing or stale statistics (a bulk
  // load before ANALYZE) the planner may instead bitmap-scan the whole range and sort it (1–5 s on
  // 1M rows); with those plans off for this statement only, an index scan is all it can choose.
  const [, , raw] = await db.$transaction([
    db.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off"),
    db.$executeRawUnsafe("SET LOCAL enable_seqscan = off"),
    db.$queryRawUnsafe<RawRow[]>(sql, ...p.values),
  ]);
  const matches: LogRow[] = [];
  let tail: LogPosition | null = null;
  let scanned = 0;
  for (const r of raw) {
    if (r.tail) {
      tail = { createdAt: r.created_at, id: r.id };
      scanned = Number(r.scanned);
    } else matches.push(toRow(r));
  }
  matches.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { matches, tail, scanned };
}

export interface LogQueryOptions {
  cursor?: LogPosition | null;
  limit?: number;
  /** Rows one chunk may read when filters other than the driver's apply. */
  scanBudget?: number;
  /** Chunks per call before returning a partial page. */
  maxChunks?: number;
}

/** A page of request_logs in [from, to) matching the filters, newest first, after `cursor`. */
export async function queryRequestLogs(db: PrismaClient, f: LogFilters, opts: LogQueryOptions = {}): Promise<LogPage> {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(opts.limit ?? DEFAULT_LIMIT)));
  const driver = chooseDriver(f);
  const residualFilters =
    [f.apiKeyId, f.teamId, f.model, f.cache, f.endUser, f.status].filter((v) => v !== undefined).length - (driver === "created_at" ? 0 : 1);
  // Without other filters every row read is a match: read one more than the page, nothing else.
  const budget = residualFilters > 0 ? Math.max(limit + 1, opts.scanBudget ?? DEFAULT_SCAN_BUDGET) : limit + 1;
  const maxChunks = residualFilters > 0 ? Math.max(1, opts.maxChunks ?? DEFAULT_MAX_CHUNKS) : 1;
  let codes: number[] | null = null;
  if (driver === "status" && f.status !== undefined) {
    const [lo, hi] = statusRange(f.status);
    codes = hi - lo === 1 ? [lo] : await statusCodes(db, lo, hi);
  }

  const rows: LogRow[] = [];
  let before = opts.cursor ?? null;
  let scanned = 0;
  for (let i = 0; i < maxChunks; i++) {
    const c = await chunk(db, f, driver, codes, before, budget, limit + 1 - rows.length);
    scanned += c.scanned;
    rows.push(...c.matches);
    if (rows.length > limit) {
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { rows: page, next: { createdAt: last.createdAt, id: last.id }, partial: false, scanned, driver };
    }
    if (c.scanned < budget || !c.tail) return { rows, next: null, partial: false, scanned, driver };
    before = c.tail;
  }
  return { rows, next: before, partial: true, scanned, driver };
}

// ---- one request --------------------------------------------------------------------------------

export interface LogDetail {
  row: Record<string, unknown>;
  incidents: Array<{ entityType: string; count: number; action: string; policy: string; recognizer: string; score: number; location: string; createdAt: Date }>;
}

/** Every column of one request (primary key) and its PII incidents (request_id index); null if unknown. */
export async function requestLogDetail(db: PrismaClient, id: string): Promise<LogDetail | null> {
  const [row, incidents] = await Promise.all([
    db.requestLog.findUnique({ where: { id } }),
    db.piiIncident.findMany({
      where: { requestId: id },
      select: { entityType: true, count: true, action: true, policy: true, recognizer: true, score: true, location: true, createdAt: true },
      orderBy: [{ location: "asc" }, { entityType: "asc" }],
      take: 500,
    }),
  ]);
  if (!row) return null;
  return { row: row as unknown as Record<string, unknown>, incidents };
}

/** Display names for the key and team ids on a page: one primary-key lookup each. */
export async function namesFor(db: PrismaClient, keyIds: string[], teamIds: string[]) {
  const [keys, teams] = await Promise.all([
    keyIds.length ? db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true, name: true, keyPrefix: true } }) : [],
    teamIds.length ? db.team.findMany({ where: { id: { in: teamIds } }, select: { id: true, name: true } }) : [],
  ]);
  return {
    keys: new Map(keys.map((k) => [k.id, { name: k.name, prefix: k.keyPrefix }])),
    teams: new Map(teams.map((t) => [t.id, t.name])),
  };
}
