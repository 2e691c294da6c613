// One worker thread that runs the local embedding models, so the event loop serving requests
// never runs inference. Concurrent embed calls queue here and go to the worker as one batch
// whenever it is free (one model call for many requests is much cheaper than many calls). A
// worker that crashes or hangs is replaced on the next call; the calls it held fail clearly.
import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { EmbedderUnavailableError, EmbedderWeightsUnavailableError } from "./errors";
import type { EmbedResult } from "./types";
import type { FromWorker, LoadedModelInfo, ToWorker, WorkerData, WorkerModelSpec } from "./worker-protocol";

/**
 * The worker is a plain .mjs in the source tree, found from the working directory at run time
 * (`next start` runs in the project root). A path computed at run time keeps the bundler from
 * trying to compile or relocate it; the turbopackIgnore comments stop Turbopack's file tracer
 * from treating these run-time paths as "could be any file in the project".
 */
export function defaultWorkerPath(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "cache", "embedders", "embed-worker.mjs");
}

export interface EmbedWorkerPoolOptions {
  workerPath?: string;
  /** Concurrent calls are merged into one model call up to this many texts. */
  maxBatchTexts?: number;
  /** A batch that takes longer is treated as a hung worker: it is terminated and replaced. */
  embedTimeoutMs?: number;
  /** Loading weights (and compiling wasm) can take a while on a cold disk. */
  loadTimeoutMs?: number;
  /** Allows the test-only model kinds (deterministic vectors, crash on demand). */
  enableTestModels?: boolean;
}

export interface EmbedWorkerPoolStats {
  /** Workers replaced after a crash or a hang. */
  restarts: number;
  /** Model calls made (each may serve several embed calls). */
  batches: number;
  /** Embed calls served. */
  calls: number;
  texts: number;
  queued: number;
  largestBatch: number;
}

interface Job {
  key: string;
  texts: string[];
  resolve(result: EmbedResult): void;
  reject(err: Error): void;
}

interface PendingCall {
  resolve(msg: FromWorker): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class EmbedWorkerPool {
  private readonly workerPath: string;
  private readonly maxBatchTexts: number;
  private readonly embedTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly enableTestModels: boolean;

  private worker: Worker | undefined;
  /** Why the current worker is being torn down (timeout), reported to the calls it held. */
  private deathReason: string | undefined;
  private lastWorkerError: Error | undefined;
  private readonly specs = new Map<string, WorkerModelSpec>();
  /** Loads sent to the current worker; cleared when it is replaced. */
  private readonly loads = new Map<string, Promise<LoadedModelInfo>>();
  private readonly calls = new Map<number, PendingCall>();
  private readonly queue: Job[] = [];
  private busy = false;
  private closed = false;
  private nextId = 1;
  private readonly counters = { restarts: 0, batches: 0, calls: 0, texts: 0, largestBatch: 0 };

  constructor(opts: EmbedWorkerPoolOptions = {}) {
    this.workerPath = opts.workerPath ?? defaultWorkerPath();
    this.maxBatchTexts = opts.maxBatchTexts ?? 64;
    this.embedTimeoutMs = opts.embedTimeoutMs ?? 60_000;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? 120_000;
    this.enableTestModels = opts.enableTestModels ?? false;
  }

  /** Loads a model in the worker (once; again after a restart). Rejects with EmbedderWeightsUnavailableError when its weights are missing. */
  load(spec: WorkerModelSpec): Promise<LoadedModelInfo> {
    if (this.closed) return Promise.reject(new EmbedderUnavailableError("The embed worker pool is closed."));
    const previous = this.specs.get(spec.key);
    // The same key with other settings (another folder, say) must load again, not reuse the old model.
    if (previous && JSON.stringify(previous) !== JSON.stringify(spec)) this.loads.delete(spec.key);
    this.specs.set(spec.key, spec);
    try {
      return this.ensureLoaded(spec.key);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Embeds with a model previously passed to load(); may share one model call with other callers. */
  embed(key: string, texts: string[]): Promise<EmbedResult> {
    if (this.closed) return Promise.reject(new EmbedderUnavailableError("The embed worker pool is closed."));
    if (!this.specs.has(key)) return Promise.reject(new Error(`embed(): model '${key}' was never loaded in this pool`));
    if (texts.length === 0) return Promise.resolve({ vectors: [], truncated: [] });
    return new Promise<EmbedResult>((resolve, reject) => {
      this.queue.push({ key, texts, resolve, reject });
      this.pump();
    });
  }

  stats(): EmbedWorkerPoolStats {
    return { ...this.counters, queued: this.queue.length };
  }

  /** The worker's thread id (tests use it to prove inference runs off the main thread). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Terminates the worker; queued and in-flight calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new EmbedderUnavailableError("The embedder was closed.");
    for (const job of this.queue.splice(0)) job.reject(err);
    const w = this.worker;
    if (w) {
      this.deathReason = "the embedder was closed";
      this.retire(w, err);
      await w.terminate();
    }
  }

  // ---- worker lifecycle ----

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(/* turbopackIgnore: true */ this.workerPath)) {
      throw new EmbedderUnavailableError(
        `The embed worker script is missing at ${this.workerPath}; Helix must run with the project root as its working directory.`,
      );
    }
    const workerData: WorkerData = { enableTestModels: this.enableTestModels };
    // execArgv: []: the worker is plain JavaScript and must not inherit the parent's loaders or
    // flags (tsx, --input-type, a test runner's hooks), some of which break a worker at start.
    const w = new Worker(/* turbopackIgnore: true */ this.workerPath, { workerData, name: "helix-embed", execArgv: [] });
    // Idle, the worker must not keep the process alive; it is ref'ed only while calls are in flight.
    w.unref();
    w.on("message", (msg: FromWorker) => this.onMessage(msg));
    w.on("error", (err) => {
      this.lastWorkerError = err;
    });
    w.on("exit", (code) => {
      if (this.worker !== w) return;
      const why = this.deathReason ?? (this.lastWorkerError ? this.lastWorkerError.message : `exit code ${code}`);
      this.retire(w, new EmbedderUnavailableError(`The embed worker stopped (${why}); calls it was serving failed and it restarts on the next call.`));
    });
    this.worker = w;
    this.deathReason = undefined;
    this.lastWorkerError = undefined;
    return w;
  }

  /** Forgets a dead (or dying) worker and fails everything it held. */
  private retire(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.loads.clear();
    if (!this.closed) this.counters.restarts++;
    for (const [id, call] of this.calls) {
      clearTimeout(call.timer);
      this.calls.delete(id);
      call.reject(err);
    }
  }

  private onMessage(msg: FromWorker): void {
    const call = this.calls.get(msg.id);
    if (!call) return;
    this.calls.delete(msg.id);
    clearTimeout(call.timer);
    if (this.calls.size === 0) this.worker?.unref();
    if (msg.type === "error") {
      call.reject(
        msg.code === "unavailable" ? new EmbedderWeightsUnavailableError(msg.message) : new EmbedderUnavailableError(`Embedding failed: ${msg.message}`),
      );
    } else {
      call.resolve(msg);
    }
  }

  /** Sends one request and waits for its answer; a timeout replaces the worker. */
  private request(build: (id: number) => ToWorker, timeoutMs: number): Promise<FromWorker> {
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.deathReason = `no answer within ${timeoutMs} ms`;
        this.retire(w, new EmbedderUnavailableError(`The embed worker did not answer within ${timeoutMs} ms; it was restarted.`));
        void w.terminate();
      }, timeoutMs);
      timer.unref();
      this.calls.set(id, { resolve, reject, timer });
      w.ref();
      w.postMessage(build(id));
    });
  }

  private ensureLoaded(key: string): Promise<LoadedModelInfo> {
    const spec = this.specs.get(key);
    if (!spec) throw new Error(`model '${key}' was never loaded in this pool`);
    const known = this.loads.get(key);
    if (known) return known;
    const p = this.request((id) => ({ type: "load", id, spec }), this.loadTimeoutMs).then((msg) => {
      if (msg.type !== "loaded") throw new EmbedderUnavailableError(`The embed worker answered a load with '${msg.type}'.`);
      return msg.info;
    });
    this.loads.set(key, p);
    // A failed load is retried by the next call, not remembered.
    p.catch(() => {
      if (this.loads.get(key) === p) this.loads.delete(key);
    });
    return p;
  }

  // ---- queue and batching ----

  private pump(): void {
    if (this.busy || this.closed || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.takeBatch();
    void this.runBatch(batch).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  /** The oldest job plus every queued job for the same model that still fits the batch. */
  private takeBatch(): Job[] {
    const first = this.queue.shift()!;
    const batch = [first];
    let size = first.texts.length;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      if (job.key === first.key && size + job.texts.length <= this.maxBatchTexts) {
        batch.push(job);
        size += job.texts.length;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
    }
    return batch;
  }

  private async runBatch(batch: Job[]): Promise<void> {
    const key = batch[0].key;
    const texts = batch.length === 1 ? batch[0].texts : batch.flatMap((j) => j.texts);
    try {
      await this.ensureLoaded(key);
      const msg = await this.request((id) => ({ type: "embed", id, key, texts }), this.embedTimeoutMs);
      if (msg.type !== "embedded") throw new EmbedderUnavailableError(`The embed worker answered an embed with '${msg.type}'.`);
      const d = msg.dimensions;
      if (msg.vectors.length !== texts.length * d) throw new EmbedderUnavailableError("The embed worker returned a wrong number of values.");
      this.counters.batches++;
      this.counters.calls += batch.length;
      this.counters.texts += texts.length;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, texts.length);
      let row = 0;
      for (const job of batch) {
        const vectors: Float32Array[] = [];
        // Each vector gets its own buffer, so a caller that keeps one does not pin the batch.
        for (let i = 0; i < job.texts.length; i++, row++) vectors.push(msg.vectors.slice(row * d, (row + 1) * d));
        job.resolve({ vectors, truncated: msg.truncated.slice(row - job.texts.length, row) });
      }
    } catch (err) {
      const e = err instanceof Error ? err : new EmbedderUnavailableError(String(err));
      for (const job of batch) job.reject(e);
    }
  }
}
