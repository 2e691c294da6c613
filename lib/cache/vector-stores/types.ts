// The vector index behind the semantic cache. One interface, three backends (pgvector, Redis Stack,
// in-process), chosen by select.ts; the cache itself never knows which one it talks to.

export interface VectorEntry {
  id: string;
  /** Hash of everything that changes the answer (tenant, model, prompts, tools, sampling). */
  scope: string;
  /** L2-normalised, so cosine similarity is the dot product. */
  vector: Float32Array;
  /** ms since the epoch. */
  expiresAt: number;
  /** Requested model, so an operator can invalidate one model's entries. */
  model?: string;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export interface VectorDeleteFilter {
  ids?: string[];
  scope?: string;
  model?: string;
  all?: true;
}

export type VectorStoreKind = "pgvector" | "redis" | "memory";

export interface VectorStore {
  readonly kind: VectorStoreKind;
  /** One index per embedder (id + dimensions); idempotent, cheap after the first call. */
  ensureIndex(embedder: string, dimensions: number): Promise<void>;
  upsert(embedder: string, entry: VectorEntry): Promise<void>;
  /** k nearest neighbours within `scope` only, unexpired only, best first. */
  search(embedder: string, scope: string, vector: Float32Array, k: number): Promise<VectorMatch[]>;
  delete(embedder: string, filter: VectorDeleteFilter): Promise<number>;
  stats(): Promise<{ entries: number; bytes?: number }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
