// PII incidents (one row per request × entity type × location), written in batches after the
// response like request logs. Rows carry types, counts, actions and scores — never values.
import "server-only";
import { BatchWriter, processWriter, unnestInserter, type BatchWriterOptions, type BatchWriterStats, type Column } from "./batch-writer";

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

export class PiiIncidentWriter extends BatchWriter<PiiIncidentEntry, Row> {
  constructor(opts: BatchWriterOptions) {
    super({ ...opts, what: "PII incident", toRow, insert: unnestInserter<Row>("pii_incidents", COLUMNS) });
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
