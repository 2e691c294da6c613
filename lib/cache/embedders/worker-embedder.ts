// An Embedder whose model runs in the embed worker. use-lite.ts and minilm.ts only describe
// their model; loading, batching and restarts are the pool's job.
import "server-only";
import type { Embedder, EmbedResult } from "./types";
import { EmbedWorkerPool } from "./worker-pool";
import type { LoadedModelInfo, WorkerModelSpec } from "./worker-protocol";

export interface WorkerEmbedderOptions {
  /** Share a pool (one worker for every local model); without one the embedder owns a private pool. */
  pool?: EmbedWorkerPool;
}

export class WorkerEmbedder implements Embedder {
  readonly id: string;
  private readonly spec: WorkerModelSpec;
  private readonly pool: EmbedWorkerPool;
  private readonly ownsPool: boolean;
  private info: LoadedModelInfo | undefined;
  private loading: Promise<LoadedModelInfo> | undefined;
  private readonly expected: { dimensions: number; maxInputTokens: number };

  constructor(id: string, spec: WorkerModelSpec, expected: { dimensions: number; maxInputTokens: number }, opts: WorkerEmbedderOptions = {}) {
    this.id = id;
    this.spec = spec;
    this.expected = expected;
    this.ownsPool = opts.pool === undefined;
    this.pool = opts.pool ?? new EmbedWorkerPool();
  }

  /** The loaded model's width; before loading, the width the model is documented to have. */
  get dimensions(): number {
    return this.info?.dimensions ?? this.expected.dimensions;
  }

  get maxInputTokens(): number {
    return this.info?.maxInputTokens ?? this.expected.maxInputTokens;
  }

  /** Loads the weights in the worker, once; a failed load is retried by the next call. */
  load(): Promise<LoadedModelInfo> {
    if (this.info) return Promise.resolve(this.info);
    this.loading ??= this.pool.load(this.spec).then(
      (info) => (this.info = info),
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  /** Load details (time, weights folder) once loaded. */
  loaded(): LoadedModelInfo | undefined {
    return this.info;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts)).vectors;
  }

  async embedDetailed(texts: string[]): Promise<EmbedResult> {
    if (texts.length === 0) return { vectors: [], truncated: [] };
    await this.load();
    return this.pool.embed(this.spec.key, texts);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}
