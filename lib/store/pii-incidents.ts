// PII incidents (one row per request × entity type × location), written in batches after the
// response like request logs. Rows carry types, counts, actions and scores — never values.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { BatchWriter, processWriter, type BatchWriterOptions, type BatchWriterStats, type Column } from "./batch-writer";

export interface PiiIncidentEntry {
  requestId: string;
  createdAt?: Date;
  apiKeyId?: string | null;
  userId?: string | null;
  teamId?: string | null;
  orgId?: string | null;
  entityType: string;
  count: number;
  action: string;
  policy: string;
  recognizer: string;
  score: number;
  location: string;
}

type Row = Required<Omit<PiiIncidentEntry, "createdAt">> & { id: string; createdAt: Date };

const COLUMNS: ReadonlyArray<Column<Row>> = [
  ["id", "text", "id"],
  ["created_at", "timestamp(3)", "createdAt"],
  ["request_id", "text", "requestId"],
  ["api_key_id", "text", "apiKeyId"],
  ["user_id", "text", "userId"],
  ["team_id", "text", "teamId"],
  ["org_id", "text", "orgId"],
  ["entity_type", "text", "entityType"],
  ["count", "int4", "count"],
  ["action", "text", "action"],
  ["policy", "text", "policy"],
  ["recognizer", "text", "recognizer"],
  ["score", "float8", "score"],
  ["location", "text", "location"],
];

function toRow(e: PiiIncidentEntry): Row {
  return {
    // Deterministic per group, so a retried batch cannot insert the same incident twice.
    id: `${e.requestId}:${e.location}:${e.entityType}`,
    createdAt: e.createdAt ?? new Date(),
    requestId: e.requestId,
    apiKeyId: e.apiKeyId ?? null,
    userId: e.userId ?? null,
    teamId: e.teamId ?? null,
    orgId: e.orgId ?? null,
    entityType: e.entityType,
    count: Math.max(1, Math.round(e.count)),
    action: e.action,
    policy: e.policy,
    recognizer: e.recognizer,
    score: Number.isFinite(e.score) ? e.score : 0,
    location: e.location,
  } as Row;
}

export const PII_ROLLUP_GRANULARITIES = ["minute", "hour", "day"] as const;

/**
 * One statement per batch: the incidents (one parameter per column, unnested; ON CONFLICT (id) DO
 * NOTHING, so a retried batch is harmless) and, from exactly the rows it inserted, the pii_rollups
 * (detections and incidents per bucket × entity type × action × team). Atomic on its own; rollup
 * rows are upserted in primary-key order so concurrent writers cannot deadlock.
 */
const INSERT_SQL =
  `WITH i AS (INSERT INTO pii_incidents (${COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
  `SELECT * FROM unnest(${COLUMNS.map(([, t], k) => `$${k + 1}::${t}[]`).join(", ")}) ` +
  `ON CONFLICT (id) DO NOTHING RETURNING created_at, entity_type, action, team_id, count), ` +
  `r AS (INSERT INTO pii_rollups (granularity, bucket, entity_type, action, team_id, detections, incidents) ` +
  `SELECT g.granularity, date_trunc(g.granularity, i.created_at), i.entity_type, i.action, COALESCE(i.team_id, ''), sum(i.count), count(*) ` +
  `FROM i CROSS JOIN (VALUES ${PII_ROLLUP_GRANULARITIES.map((g) => `('${g}')`).join(", ")}) AS g(granularity) ` +
  `GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 ` +
  `ON CONFLICT (granularity, bucket, entity_type, action, team_id) DO UPDATE SET ` +
  `detections = pii_rollups.detections + excluded.detections, incidents = pii_rollups.incidents + excluded.incidents) ` +
  `SELECT count(*)::int AS inserted FROM i`;

async function insertRows(db: PrismaClient, rows: Row[]): Promise<number> {
  // UTC text for timestamps: the columns hold UTC wall time (a Date would be sent in local time).
  const params = COLUMNS.map(([, , field]) => rows.map((r) => (r[field] instanceof Date ? (r[field] as Date).toISOString() : (r[field] ?? null))));
  const result = await db.$queryRawUnsafe<Array<{ inserted: number }>>(INSERT_SQL, ...params);
  return Number(result[0]?.inserted ?? 0);
}

export class PiiIncidentWriter extends BatchWriter<PiiIncidentEntry, Row> {
  constructor(opts: BatchWriterOptions) {
    super({ ...opts, what: "PII incident", toRow, insert: insertRows });
  }
}

const writer = processWriter("pii-incidents", (opts) => new PiiIncidentWriter(opts));

/** Queues one incident. Synchronous, never throws, never touches the database. */
export function enqueuePiiIncident(entry: PiiIncidentEntry): void {
  try {
    writer().enqueue(entry);
  } catch {
    /* BatchWriter.enqueue cannot throw; this guards writer construction */
  }
}

/** Writes everything queued (graceful shutdown, tests). Never rejects. */
export function flushPiiIncidents(): Promise<BatchWriterStats> {
  return writer().flush();
}

/** Graceful shutdown: writes what the database takes and spools the rest for the next start. */
export function shutdownPiiIncidents(): Promise<BatchWriterStats & { spooled: number }> {
  return writer().shutdown();
}

/** Start-up: writes the incidents an earlier shutdown spooled. Never rejects. */
export function replaySpooledPiiIncidents(): Promise<number> {
  return writer().replaySpool();
}
