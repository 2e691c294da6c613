// Request logs are queued in memory and written in batches, never on the request's path. While the
// database is down rows stay queued (bounded) and are retried with backoff, so none is lost while
// the process lives; graceful shutdown awaits flushRequestLogs().
import "server-only";
import { logger } from "@/lib/observability/logger";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { getDb } from "./db";

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
  /** Only when store_prompts is on. Must be JSON-serialisable. */
  prompt?: unknown;
  response?: unknown;
}

export interface RequestLogStats {
  /** Rows waiting (including a batch being written). */
  queued: number;
  written: number;
  failedFlushes: number;
  /** Rows lost: queue over its bound, or rows the database rejects as invalid. */
  dropped: number;
}

export interface RequestLogWriterOptions {
  db: () => Promise<PrismaClient>;
  flushMs?: number;
  /** Rows per INSERT, and the queue length that triggers an early flush. */
  batchSize?: number;
  /** Bound on queued rows while the database is unavailable; the oldest are dropped beyond it. */
  maxQueued?: number;
  /** Longest wait between retries while the database is down. */
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

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
  prompt?: object;
  response?: object;
};

const INT4_MAX = 2_147_483_647;

export class RequestLogWriter {
  private readonly db: () => Promise<PrismaClient>;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly maxBackoffMs: number;
  private readonly log: (message: string) => void;

  private queue: Row[] = [];
  private inFlight = 0;
  private written = 0;
  private failedFlushes = 0;
  private dropped = 0;
  private consecutiveFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private lastDropLog = 0;
  private closed = false;

  constructor(opts: RequestLogWriterOptions) {
    this.db = opts.db;
    this.flushMs = opts.flushMs ?? 500;
    this.batchSize = opts.batchSize ?? 500;
    this.maxQueued = opts.maxQueued ?? 100_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.log = opts.log ?? (() => {});
  }

  /** Synchronous and never throws: the caller is a request that has already been answered. */
  enqueue(entry: RequestLogEntry): void {
    try {
      this.queue.push(toRow(entry));
      this.enforceBound();
      if (this.queue.length >= this.batchSize && this.consecutiveFailures === 0) this.schedule(0);
      else this.schedule(this.flushMs);
    } catch (err) {
      this.dropped++;
      this.log(`request log row dropped: ${message(err)}`);
    }
  }

  /**
   * Writes everything queued now. Resolves when the queue is empty or a write failed (rows stay
   * queued for the background retry); never rejects.
   */
  async flush(): Promise<RequestLogStats> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (this.queue.length === 0) break;
      const ok = await this.runOnce();
      if (!ok) break;
    }
    return this.stats();
  }

  stats(): RequestLogStats {
    return {
      queued: this.queue.length + this.inFlight,
      written: this.written,
      failedFlushes: this.failedFlushes,
      dropped: this.dropped,
    };
  }

  /** Flushes and stops the timer; later enqueues are still accepted and flushed by flush(). */
  async close(): Promise<RequestLogStats> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) {
      if (delayMs > 0) return; // a flush is already due
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.background();
    }, delayMs);
    // Never keep the process alive just for logging; shutdown calls flush().
    this.timer.unref();
  }

  private async background(): Promise<void> {
    if (this.running) {
      await this.running;
    } else if (this.queue.length > 0) {
      await this.runOnce();
    }
    if (this.queue.length === 0) return;
    const delay =
      this.consecutiveFailures > 0
        ? Math.min(this.flushMs * 2 ** this.consecutiveFailures, this.maxBackoffMs)
        : this.queue.length >= this.batchSize
          ? 0
          : this.flushMs;
    this.schedule(delay);
  }

  private runOnce(): Promise<boolean> {
    const p = this.writeBatch().finally(() => {
      this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /** One batch. true when written (or rejected as invalid), false when the database is unavailable. */
  private async writeBatch(): Promise<boolean> {
    const batch = this.queue.splice(0, this.batchSize);
    if (batch.length === 0) return true;
    this.inFlight = batch.length;
    let db: PrismaClient | undefined;
    try {
      db = await this.db();
      this.written += await insertRows(db, batch);
      this.consecutiveFailures = 0;
      return true;
    } catch (err) {
      // A reachable database that refuses the batch means bad rows, not an outage: write them
      // one by one and drop only the ones it refuses, so one poison row cannot block the queue.
      if (db && (await this.reachable(db))) {
        await this.writeOneByOne(db, batch, err);
        this.consecutiveFailures = 0;
        return true;
      }
      this.failedFlushes++;
      this.consecutiveFailures++;
      if (this.consecutiveFailures === 1 || this.consecutiveFailures % 20 === 0) {
        this.log(`request logs not written (${this.queue.length + batch.length} queued, will retry): ${message(err)}`);
      }
      this.inFlight = 0;
      this.queue.unshift(...batch);
      this.enforceBound();
      return false;
    } finally {
      this.inFlight = 0;
    }
  }

  private async reachable(db: PrismaClient): Promise<boolean> {
    try {
      await db.$queryRawUnsafe("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  private async writeOneByOne(db: PrismaClient, batch: Row[], batchErr: unknown): Promise<void> {
    let rejected = 0;
    for (const row of batch) {
      try {
        this.written += await insertRows(db, [row]);
      } catch (err) {
        rejected++;
        this.dropped++;
        if (rejected === 1) this.log(`request log row ${row.id} rejected by the database: ${message(err)}`);
      }
    }
    if (rejected > 0) this.log(`${rejected} request log row(s) dropped as invalid (batch error: ${message(batchErr)})`);
  }

  private enforceBound(): void {
    const over = this.queue.length + this.inFlight - this.maxQueued;
    if (over <= 0) return;
    this.dropped += this.queue.splice(0, Math.min(over, this.queue.length)).length;
    const now = Date.now();
    if (now - this.lastDropLog > 10_000) {
      this.lastDropLog = now;
      this.log(`request log queue full (${this.maxQueued} rows): dropped the oldest, ${this.dropped} dropped so far`);
    }
  }
}

// Column order of the bulk insert: [column, postgres array type, row field].
const COLUMNS: ReadonlyArray<readonly [string, string, keyof Row]> = [
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
  ["prompt", "jsonb", "prompt"],
  ["response", "jsonb", "response"],
];

// One parameter per column (arrays unnested by Postgres), not per value: Prisma's createMany costs
// ~0.15 ms of event-loop time per row, which stalled every request during a flush.
// ON CONFLICT DO NOTHING: a retry after an ambiguous failure (committed, reply lost) is harmless.
const INSERT_SQL =
  `INSERT INTO request_logs (${COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
  `SELECT * FROM unnest(${COLUMNS.map(([, t], i) => (t === "jsonb" ? `$${i + 1}::text[]::jsonb[]` : `$${i + 1}::${t}[]`)).join(", ")}) ` +
  `ON CONFLICT (id) DO NOTHING`;

async function insertRows(db: PrismaClient, rows: Row[]): Promise<number> {
  const params = COLUMNS.map(([, type, field]) =>
    rows.map((r) => {
      const v = r[field];
      if (type === "jsonb") return v === undefined || v === null ? null : JSON.stringify(v);
      // UTC text: the column is timestamp without time zone holding UTC, as Prisma writes it; a Date
      // would be sent in the server's local zone and the offset dropped by the cast.
      if (v instanceof Date) return v.toISOString();
      return v ?? null;
    }),
  );
  return db.$executeRawUnsafe(INSERT_SQL, ...params);
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

function snapshot(v: unknown): object {
  return JSON.parse(JSON.stringify(v)) as object;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message.split("\n").slice(-1)[0] || err.message : String(err);
}

// ---- the process-wide writer --------------------------------------------------------------------
// On globalThis: one queue per process even if Next.js loads this module twice, so the shutdown
// flush sees every row.

const GLOBAL_KEY = Symbol.for("helix.store.requestLog");
function writer(): RequestLogWriter {
  const g = globalThis as unknown as Record<symbol, RequestLogWriter | undefined>;
  let w = g[GLOBAL_KEY];
  if (!w) {
    let flushMs = 500;
    try {
      flushMs = env().HELIX_LOG_FLUSH_MS;
    } catch {
      // enqueue must never throw; a bad environment is reported at start by startHelix().
    }
    w = new RequestLogWriter({ db: getDb, flushMs, log: (m) => logger().warn({ component: "request-log" }, m) });
    g[GLOBAL_KEY] = w;
  }
  return w;
}

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

export function requestLogStats(): RequestLogStats {
  return writer().stats();
}
