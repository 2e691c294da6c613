// Rows queued in memory and written in batches, never on a request's path. While the database is
// down rows stay queued (bounded) and are retried with backoff, so none is lost while the process
// lives; graceful shutdown (shutdown()) writes what it can and spools the rest to a file that the
// next start replays (spool.ts). Used for request logs and PII incidents.
import "server-only";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { getDb } from "./db";
import { appendSpool, claimSpool, releaseSpool } from "./spool";

export interface BatchWriterStats {
  /** Rows waiting (including a batch being written). */
  queued: number;
  written: number;
  failedFlushes: number;
  /** Rows lost: queue over its bound, or rows the database rejects as invalid. */
  dropped: number;
}

export interface BatchWriterOptions {
  db: () => Promise<PrismaClient>;
  flushMs?: number;
  /** Rows per INSERT, and the queue length that triggers an early flush. */
  batchSize?: number;
  /** Bound on queued rows while the database is unavailable; the oldest are dropped beyond it. */
  maxQueued?: number;
  /** Longest wait between retries while the database is down. */
  maxBackoffMs?: number;
  /**
   * JSONL file for the rows still unwritten at shutdown (the database down), replayed at the next
   * start by replaySpool(). Without it those rows are lost with the process.
   */
  spoolFile?: string;
  log?: (message: string) => void;
}

/** [column, Postgres array element type, row field]; jsonb fields are sent as JSON text. */
export type Column<R> = readonly [string, string, keyof R & string];

/**
 * One INSERT per batch with one parameter per column (arrays unnested by Postgres), not one per
 * value: Prisma's createMany costs ~0.15 ms of event-loop time per row, which stalled every
 * request during a flush. ON CONFLICT (id) DO NOTHING: a retry after an ambiguous failure
 * (committed, reply lost) is harmless.
 */
export function unnestInserter<R>(table: string, columns: ReadonlyArray<Column<R>>): (db: PrismaClient, rows: R[]) => Promise<number> {
  const sql =
    `INSERT INTO ${table} (${columns.map(([c]) => `"${c}"`).join(", ")}) ` +
    `SELECT * FROM unnest(${columns.map(([, t], i) => (t === "jsonb" ? `$${i + 1}::text[]::jsonb[]` : `$${i + 1}::${t}[]`)).join(", ")}) ` +
    `ON CONFLICT (id) DO NOTHING`;
  return (db, rows) => {
    const params = columns.map(([, type, field]) =>
      rows.map((r) => {
        const v = r[field] as unknown;
        if (type === "jsonb") return v === undefined || v === null ? null : JSON.stringify(v);
        // UTC text: the columns are timestamp without time zone holding UTC, as Prisma writes them;
        // a Date would be sent in the server's local zone and the offset dropped by the cast.
        if (v instanceof Date) return v.toISOString();
        return v ?? null;
      }),
    );
    return db.$executeRawUnsafe(sql, ...params);
  };
}

export class BatchWriter<E, R extends { id: string }> {
  private readonly db: () => Promise<PrismaClient>;
  private readonly toRow: (entry: E) => R;
  private readonly insert: (db: PrismaClient, rows: R[]) => Promise<number>;
  private readonly what: string;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly maxBackoffMs: number;
  private readonly spoolFile: string | undefined;
  private readonly log: (message: string) => void;
  /** The claimed spool being replayed; deleted once its rows are written (or spooled again). */
  private replayFile: string | undefined;

  private queue: R[] = [];
  private inFlight = 0;
  private written = 0;
  private failedFlushes = 0;
  private dropped = 0;
  private consecutiveFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private lastDropLog = 0;
  private closed = false;

  constructor(opts: BatchWriterOptions & { what: string; toRow: (entry: E) => R; insert: (db: PrismaClient, rows: R[]) => Promise<number> }) {
    this.db = opts.db;
    this.toRow = opts.toRow;
    this.insert = opts.insert;
    this.what = opts.what;
    this.flushMs = opts.flushMs ?? 500;
    this.batchSize = opts.batchSize ?? 500;
    this.maxQueued = opts.maxQueued ?? 100_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.spoolFile = opts.spoolFile;
    this.log = opts.log ?? (() => {});
  }

  /** Synchronous and never throws: the caller is a request that has already been answered. */
  enqueue(entry: E): void {
    try {
      this.queue.push(this.toRow(entry));
      this.enforceBound();
      if (this.queue.length >= this.batchSize && this.consecutiveFailures === 0) this.schedule(0);
      else this.schedule(this.flushMs);
    } catch (err) {
      this.dropped++;
      this.log(`${this.what} row dropped: ${message(err)}`);
    }
  }

  /**
   * Writes everything queued now. Resolves when the queue is empty or a write failed (rows stay
   * queued for the background retry); never rejects.
   */
  async flush(): Promise<BatchWriterStats> {
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

  stats(): BatchWriterStats {
    return {
      queued: this.queue.length + this.inFlight,
      written: this.written,
      failedFlushes: this.failedFlushes,
      dropped: this.dropped,
    };
  }

  /** Flushes and stops the timer; later enqueues are still accepted and flushed by flush(). */
  async close(): Promise<BatchWriterStats> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.flush();
  }

  /**
   * Graceful shutdown: close() (write everything the database takes), then append the rows it
   * could not take to the spool file, so they survive the process. Never rejects.
   */
  async shutdown(): Promise<BatchWriterStats & { spooled: number }> {
    await this.close();
    let spooled = 0;
    if (this.queue.length > 0 && this.spoolFile) {
      const rows = this.queue.splice(0);
      try {
        appendSpool(this.spoolFile, rows);
        spooled = rows.length;
        this.log(`${spooled} ${this.what} row(s) could not be written; spooled to ${this.spoolFile} for the next start`);
        // Its unwritten rows were in the queue, so they are in the new spool now.
        this.finishReplay(true);
      } catch (err) {
        this.queue.unshift(...rows);
        this.log(`${rows.length} ${this.what} row(s) lost: could not spool to ${this.spoolFile}: ${message(err)}`);
      }
    }
    return { ...this.stats(), spooled };
  }

  /**
   * Start-up: queues the rows an earlier process spooled at shutdown and writes them now (or,
   * with the database unavailable, in the background like any queued row). Answers how many rows
   * were replayed. Never rejects.
   */
  async replaySpool(): Promise<number> {
    if (!this.spoolFile) return 0;
    let claimed;
    try {
      claimed = claimSpool(this.spoolFile);
    } catch (err) {
      this.log(`could not read the ${this.what} spool ${this.spoolFile}: ${message(err)}`);
      return 0;
    }
    if (!claimed) return 0;
    if (claimed.invalidLines > 0) this.log(`${claimed.invalidLines} unreadable line(s) in the ${this.what} spool skipped`);
    this.replayFile = claimed.file;
    this.queue.unshift(...(claimed.rows as R[]));
    this.enforceBound();
    await this.flush();
    this.finishReplay();
    if (this.queue.length > 0) this.schedule(this.flushMs);
    this.log(`${claimed.rows.length} spooled ${this.what} row(s) replayed${this.queue.length > 0 ? " (some still queued: the database is unavailable)" : ""}`);
    return claimed.rows.length;
  }

  /** Deletes the replayed spool once nothing is queued (every replayed row written or spooled anew). */
  private finishReplay(force = false): void {
    if (!this.replayFile || (!force && (this.queue.length > 0 || this.inFlight > 0))) return;
    try {
      releaseSpool(this.replayFile);
      this.replayFile = undefined;
    } catch (err) {
      this.log(`could not delete the replayed spool ${this.replayFile}: ${message(err)}`);
    }
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
      this.written += await this.insert(db, batch);
      this.consecutiveFailures = 0;
      this.inFlight = 0;
      this.finishReplay();
      return true;
    } catch (err) {
      // A reachable database that refuses the batch means bad rows, not an outage: write them
      // one by one and drop only the ones it refuses, so one poison row cannot block the queue.
      if (db && (await this.reachable(db))) {
        await this.writeOneByOne(db, batch, err);
        this.consecutiveFailures = 0;
        this.inFlight = 0;
        this.finishReplay();
        return true;
      }
      this.failedFlushes++;
      this.consecutiveFailures++;
      if (this.consecutiveFailures === 1 || this.consecutiveFailures % 20 === 0) {
        this.log(`${this.what} rows not written (${this.queue.length + batch.length} queued, will retry): ${message(err)}`);
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

  private async writeOneByOne(db: PrismaClient, batch: R[], batchErr: unknown): Promise<void> {
    let rejected = 0;
    for (const row of batch) {
      try {
        this.written += await this.insert(db, [row]);
      } catch (err) {
        rejected++;
        this.dropped++;
        if (rejected === 1) this.log(`${this.what} row ${row.id} rejected by the database: ${message(err)}`);
      }
    }
    if (rejected > 0) this.log(`${rejected} ${this.what} row(s) dropped as invalid (batch error: ${message(batchErr)})`);
  }

  private enforceBound(): void {
    const over = this.queue.length + this.inFlight - this.maxQueued;
    if (over <= 0) return;
    this.dropped += this.queue.splice(0, Math.min(over, this.queue.length)).length;
    const now = Date.now();
    if (now - this.lastDropLog > 10_000) {
      this.lastDropLog = now;
      this.log(`${this.what} queue full (${this.maxQueued} rows): dropped the oldest, ${this.dropped} dropped so far`);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message.split("\n").slice(-1)[0] || err.message : String(err);
}

/**
 * The process-wide writer for `name`, made on first use with the configured flush interval and
 * the shared database. On globalThis: one queue per process even if Next.js loads a module twice,
 * so the shutdown flush sees every row.
 */
export function processWriter<W>(name: string, make: (opts: BatchWriterOptions) => W): () => W {
  const key = Symbol.for(`helix.store.${name}`);
  return () => {
    const g = globalThis as unknown as Record<symbol, W | undefined>;
    let w = g[key];
    if (!w) {
      let flushMs = 500;
      let batchSize = 500;
      let spoolFile: string | undefined;
      try {
        const e = env();
        flushMs = e.HELIX_LOG_FLUSH_MS;
        spoolFile = path.resolve(e.HELIX_DATA_DIR, "spool", `${name}.jsonl`);
        // Embedded PGlite runs each statement on the main thread, pausing every request in flight
        // meanwhile: smaller statements pause for less (p99 at ~1,200 req/s: ~55 → ~40 ms, for
        // ~4 % less throughput). PostgreSQL works in its own process and takes the bigger batches.
        if (!e.DATABASE_URL) batchSize = 100;
      } catch {
        // Enqueueing must never throw; a bad environment is reported at start by startHelix().
      }
      w = make({ db: getDb, flushMs, batchSize, spoolFile, log: (m) => logger().warn({ component: name }, m) });
      g[key] = w;
    }
    return w;
  };
}
