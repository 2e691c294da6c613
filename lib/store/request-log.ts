// One request_logs row per request, queued in memory and written in batches by a BatchWriter
// (batch-writer.ts: never on the request's path, nothing lost while the database is down).
import "server-only";
// Each batch also updates the usage rollups, in the same statement (usage-rollups.ts).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { BatchWriter, processWriter, type BatchWriterOptions, type BatchWriterStats, type Column } from "./batch-writer";
import { withRollups } from "./usage-rollups";

export type RequestLogEndpoint = "chat.completions" | "embeddings";

export interface RequestLogEntry {
  /** The request id (x-helix-request-id); a second row with the same id is ignored. */
  id: string;
  /** When the request arrived; defaults to enqueue time (never flush time). */
  createdAt?: Date;
  endpoint: RequestLogEndpoint;
  apiKeyId?: string | null;
  keyHash?: string | null;
  userId?: string | null;
  teamId?: string | null;
  orgId?: string | null;
  endUser?: string | null;
  requestedModel: string;
  servedModel?: string | null;
  provider?: string | null;
  status: number;
  errorType?: string | null;
  errorMessage?: string | null;
  stream?: boolean;
  cacheStatus?: string | null;
  cacheSimilarity?: number | null;
  cacheSavedMs?: number | null;
  attempts?: number;
  latencyMs: number;
  upstreamLatencyMs?: number | null;
  ttftMs?: number | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  /** Prompt tokens served from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number | null;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens?: number | null;
  /** What the request cost in integer micro-USD (of the attempt that answered: failed attempts report no usage); null when the price is unknown. */
  costMicros?: number | null;
  /** priced | estimated | unknown | none */
  costStatus?: string | null;
  /** catalog | config | database */
  priceSource?: string | null;
  /** Cost a cache hit avoided, micro-USD. */
  cacheSavingsMicros?: number | null;
  /** Requested model's price minus the served model's on a swap, micro-USD. */
  swapSavingsMicros?: number | null;
  swapRule?: string | null;
  swapReason?: string | null;
  /** Only when store_prompts is on. Must be JSON-serialisable. */
  prompt?: unknown;
  response?: unknown;
}

export type RequestLogStats = BatchWriterStats;
export type RequestLogWriterOptions = BatchWriterOptions;

type Row = {
  id: string;
  createdAt: Date;
  endpoint: string;
  apiKeyId: string | null;
  keyHash: string | null;
  userId: string | null;
  teamId: string | null;
  orgId: string | null;
  endUser: string | null;
  requestedModel: string;
  servedModel: string | null;
  provider: string | null;
  status: number;
  errorType: string | null;
  errorMessage: string | null;
  stream: boolean;
  cacheStatus: string | null;
  cacheSimilarity: number | null;
  cacheSavedMs: number | null;
  attempts: number;
  latencyMs: number;
  upstreamLatencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
  costMicros: number | null;
  costStatus: string | null;
  priceSource: string | null;
  cacheSavingsMicros: number | null;
  swapSavingsMicros: number | null;
  swapRule: string | null;
  swapReason: string | null;
  prompt?: object;
  response?: object;
};

const INT4_MAX = 2_147_483_647;

const COLUMNS: ReadonlyArray<Column<Row>> = [
  ["id", "text", "id"],
  ["created_at", "timestamp(3)", "createdAt"],
  ["endpoint", "text", "endpoint"],
  ["api_key_id", "text", "apiKeyId"],
  ["key_hash", "text", "keyHash"],
  ["user_id", "text", "userId"],
  ["team_id", "text", "teamId"],
  ["org_id", "text", "orgId"],
  ["end_user", "text", "endUser"],
  ["requested_model", "text", "requestedModel"],
  ["served_model", "text", "servedModel"],
  ["provider", "text", "provider"],
  ["status", "int4", "status"],
  ["error_type", "text", "errorType"],
  ["error_message", "text", "errorMessage"],
  ["stream", "bool", "stream"],
  ["cache_status", "text", "cacheStatus"],
  ["cache_similarity", "float8", "cacheSimilarity"],
  ["cache_saved_ms", "int4", "cacheSavedMs"],
  ["attempts", "int4", "attempts"],
  ["latency_ms", "int4", "latencyMs"],
  ["upstream_latency_ms", "int4", "upstreamLatencyMs"],
  ["ttft_ms", "int4", "ttftMs"],
  ["input_tokens", "int4", "inputTokens"],
  ["output_tokens", "int4", "outputTokens"],
  ["cached_input_tokens", "int4", "cachedInputTokens"],
  ["reasoning_tokens", "int4", "reasoningTokens"],
  ["cost_micros", "int8", "costMicros"],
  ["cost_status", "text", "costStatus"],
  ["price_source", "text", "priceSource"],
  ["cache_savings_micros", "int8", "cacheSavingsMicros"],
  ["swap_savings_micros", "int8", "swapSavingsMicros"],
  ["swap_rule", "text", "swapRule"],
  ["swap_reason", "text", "swapReason"],
  ["prompt", "jsonb", "prompt"],
  ["response", "jsonb", "response"],
];

/**
 * One statement per batch: the rows as one parameter per column (unnested by Postgres), ON
 * CONFLICT (id) DO NOTHING so a retry after an ambiguous failure (committed, reply lost) is
 * harmless, and the rollups updated from exactly the rows inserted (withRollups), atomically.
 * Answers how many log rows were inserted.
 */
const INSERT_SQL = withRollups(
  `INSERT INTO request_logs (${COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
    `SELECT * FROM unnest(${COLUMNS.map(([, t], i) => (t === "jsonb" ? `$${i + 1}::text[]::jsonb[]` : `$${i + 1}::${t}[]`)).join(", ")}) ` +
    `ON CONFLICT (id) DO NOTHING`,
);

async function insertRows(db: PrismaClient, rows: Row[]): Promise<number> {
  const params = COLUMNS.map(([, type, field]) =>
    rows.map((r) => {
      const v = r[field] as unknown;
      if (type === "jsonb") return v === undefined || v === null ? null : JSON.stringify(v);
      // UTC text: the columns are timestamp without time zone holding UTC, as Prisma writes them.
      if (v instanceof Date) return v.toISOString();
      return v ?? null;
    }),
  );
  const result = await db.$queryRawUnsafe<Array<{ inserted: number }>>(INSERT_SQL, ...params);
  return Number(result[0]?.inserted ?? 0);
}

/** The request-log writer (its own class so tests can build one against any database). */
export class RequestLogWriter extends BatchWriter<RequestLogEntry, Row> {
  constructor(opts: RequestLogWriterOptions) {
    super({ ...opts, what: "request log", toRow, insert: insertRows });
  }
}

function toRow(e: RequestLogEntry): Row {
  if (!e || typeof e.id !== "string" || e.id === "") throw new Error("a request log entry needs an id");
  const row: Row = {
    id: e.id,
    createdAt: e.createdAt instanceof Date && !Number.isNaN(e.createdAt.getTime()) ? new Date(e.createdAt) : new Date(),
    endpoint: e.endpoint,
    apiKeyId: e.apiKeyId ?? null,
    keyHash: e.keyHash ?? null,
    userId: e.userId ?? null,
    teamId: e.teamId ?? null,
    orgId: e.orgId ?? null,
    endUser: e.endUser ?? null,
    requestedModel: String(e.requestedModel ?? ""),
    servedModel: e.servedModel ?? null,
    provider: e.provider ?? null,
    status: int(e.status) ?? 0,
    errorType: e.errorType ?? null,
    errorMessage: e.errorMessage ?? null,
    stream: e.stream === true,
    cacheStatus: e.cacheStatus ?? null,
    cacheSimilarity: typeof e.cacheSimilarity === "number" && Number.isFinite(e.cacheSimilarity) ? e.cacheSimilarity : null,
    cacheSavedMs: int(e.cacheSavedMs),
    attempts: int(e.attempts) ?? 1,
    latencyMs: int(e.latencyMs) ?? 0,
    upstreamLatencyMs: int(e.upstreamLatencyMs),
    ttftMs: int(e.ttftMs),
    inputTokens: int(e.inputTokens),
    outputTokens: int(e.outputTokens),
    cachedInputTokens: int(e.cachedInputTokens),
    reasoningTokens: int(e.reasoningTokens),
    costMicros: micros(e.costMicros),
    costStatus: e.costStatus ?? null,
    priceSource: e.priceSource ?? null,
    cacheSavingsMicros: micros(e.cacheSavingsMicros),
    swapSavingsMicros: micros(e.swapSavingsMicros),
    swapRule: e.swapRule ?? null,
    swapReason: e.swapReason ?? null,
  };
  // Snapshot JSON now: the caller may mutate its objects after the request ends.
  if (e.prompt !== undefined && e.prompt !== null) row.prompt = snapshot(e.prompt);
  if (e.response !== undefined && e.response !== null) row.response = snapshot(e.response);
  return row;
}

// Columns are INTEGER: round timings, clamp absurd values instead of failing the whole batch.
function int(v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(v)));
}

// BIGINT micro-USD kept as JS numbers: integers, exact up to 2^53 (about $9 billion).
function micros(v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.round(v)));
}

function snapshot(v: unknown): object {
  return JSON.parse(JSON.stringify(v)) as object;
}


const writer = processWriter("request-log", (opts) => new RequestLogWriter(opts));

/** Queues one row. Synchronous, never throws, never touches the database. */
export function enqueueRequestLog(entry: RequestLogEntry): void {
  try {
    writer().enqueue(entry);
  } catch {
    /* see RequestLogWriter.enqueue: it cannot throw; this guards writer construction */
  }
}

/** Writes everything queued (graceful shutdown, tests). Never rejects. */
export function flushRequestLogs(): Promise<RequestLogStats> {
  return writer().flush();
}

/** Graceful shutdown: writes what the database takes and spools the rest for the next start. */
export function shutdownRequestLogs(): Promise<RequestLogStats & { spooled: number }> {
  return writer().shutdown();
}

/** Start-up: writes the rows an earlier shutdown spooled. Never rejects. */
export function replaySpooledRequestLogs(): Promise<number> {
  return writer().replaySpool();
}

export function requestLogStats(): RequestLogStats {
  return writer().stats();
}
