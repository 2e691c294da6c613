// In-process vector store: for a PostgreSQL without pgvector and for embedded use without PGlite.
// It lives in one process, so with several gateway instances each has its own (a hit on one is
// a miss on another); where instances must share, use Redis Stack or pgvector.
//
// Structure: per embedder, per scope, a contiguous Float32Array slab scanned exactly. Scopes
// partition the data (a hit may never cross them), so a search only reads its own scope; one graph
// index over all entries would have to be filtered by scope and degrades exactly when scopes are
// small, the common case. Chosen by measurement (bench/vector-stores.ts, 384 dims, k=5, 2 cores):
//
//   entries   scopes of ~100: p50 / p99      one scope holding everything: p50 / p99
//   1k        0.05 / 0.7 ms                   0.5 / 0.7 ms
//   10k       0.04 / 0.08 ms                  3.1 / 3.2 ms
//   100k      0.04 / 0.08 ms                  31 / 33 ms
//
// about 2 MB per 1k entries, 70-90k inserts/s. Typical scopes cost the same at any size; a single
// huge scope grows linearly, so the store is bounded (DEFAULT_MEMORY_MAX_ENTRIES = 20k: a 6 ms
// worst case). A per-scope HNSW graph for scopes past ~10k entries is the next step if a
// deployment needs a big in-process index; such deployments are better served by pgvector.
import "server-only";
import type { VectorDeleteFilter, VectorEntry, VectorMatch, VectorStore } from "./types";
import { checkDeleteFilter, checkDimensions, checkEmbedder, checkEntry, checkK, checkVector, VectorStoreArgumentError } from "./validate";

export interface MemoryVectorStoreOptions {
  /** Upper bound over all embedders; past it, expired entries go first, then the oldest. */
  maxEntries?: number;
  /** Clock (tests). */
  now?: () => number;
}

export const DEFAULT_MEMORY_MAX_ENTRIES = 20_000;

class ScopePartition {
  vectors: Float32Array;
  ids: string[] = [];
  models: (string | undefined)[] = [];
  expiresAt: Float64Array;
  count = 0;

  constructor(readonly dims: number, capacity = 4) {
    this.vectors = new Float32Array(capacity * dims);
    this.expiresAt = new Float64Array(capacity);
  }

  push(id: string, vector: Float32Array, expiresAt: number, model: string | undefined): number {
    if (this.count === this.expiresAt.length) this.grow();
    const slot = this.count++;
    this.vectors.set(vector, slot * this.dims);
    this.ids[slot] = id;
    this.models[slot] = model;
    this.expiresAt[slot] = expiresAt;
    return slot;
  }

  set(slot: number, vector: Float32Array, expiresAt: number, model: string | undefined): void {
    this.vectors.set(vector, slot * this.dims);
    this.models[slot] = model;
    this.expiresAt[slot] = expiresAt;
  }

  /** Swap-remove; returns the id that moved into `slot` (if any) so the caller can fix its map. */
  remove(slot: number): string | undefined {
    const last = --this.count;
    let moved: string | undefined;
    if (slot !== last) {
      this.vectors.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.ids[slot] = this.ids[last];
      this.models[slot] = this.models[last];
      this.expiresAt[slot] = this.expiresAt[last];
      moved = this.ids[slot];
    }
    this.ids.length = last;
    this.models.length = last;
    // Give memory back when a partition shrinks a lot (a purged scope should not pin its peak size).
    if (this.expiresAt.length > 64 && last < this.expiresAt.length / 4) this.resize(Math.max(4, last * 2));
    return moved;
  }

  bytes(): number {
    return this.vectors.byteLength + this.expiresAt.byteLength + this.ids.length * 16;
  }

  private grow(): void {
    this.resize(this.expiresAt.length * 2);
  }

  private resize(capacity: number): void {
    const v = new Float32Array(capacity * this.dims);
    v.set(this.vectors.subarray(0, this.count * this.dims));
    const e = new Float64Array(capacity);
    e.set(this.expiresAt.subarray(0, this.count));
    this.vectors = v;
    this.expiresAt = e;
  }
}

interface Located {
  scope: string;
  slot: number;
}

class EmbedderIndex {
  readonly scopes = new Map<string, ScopePartition>();
  readonly byId = new Map<string, Located>();
  constructor(
    readonly name: string,
    readonly dims: number,
  ) {}
}

export class MemoryVectorStore implements VectorStore {
  readonly kind = "memory" as const;
  private readonly indexes = new Map<string, EmbedderIndex>();
  // Insertion order over all embedders (Map iteration order), for oldest-first eviction. The value
  // is the embedder; the key is embedder + NUL + id (NUL cannot occur in an embedder id).
  private readonly order = new Map<string, string>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(opts: MemoryVectorStoreOptions = {}) {
    this.maxEntries = opts.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new VectorStoreArgumentError("maxEntries must be a positive integer");
    this.now = opts.now ?? Date.now;
  }

  async ensureIndex(embedder: string, dimensions: number): Promise<void> {
    checkEmbedder(embedder);
    checkDimensions(dimensions);
    const existing = this.indexes.get(embedder);
    if (existing) {
      if (existing.dims !== dimensions) {
        throw new VectorStoreArgumentError(`embedder ${embedder} has ${existing.dims} dimensions, not ${dimensions}`);
      }
      return;
    }
    this.indexes.set(embedder, new EmbedderIndex(embedder, dimensions));
  }

  async upsert(embedder: string, entry: VectorEntry): Promise<void> {
    const index = this.index(embedder);
    checkEntry(entry);
    checkVector(entry.vector, index.dims);
    const key = orderKey(embedder, entry.id);
    const found = index.byId.get(entry.id);
    if (found && found.scope === entry.scope) {
      index.scopes.get(found.scope)!.set(found.slot, entry.vector, entry.expiresAt, entry.model);
    } else {
      if (found) this.removeAt(index, entry.id, found);
      let part = index.scopes.get(entry.scope);
      if (!part) index.scopes.set(entry.scope, (part = new ScopePartition(index.dims)));
      index.byId.set(entry.id, { scope: entry.scope, slot: part.push(entry.id, entry.vector, entry.expiresAt, entry.model) });
    }
    // Re-inserting moves the key to the end: a rewritten entry is the newest.
    this.order.delete(key);
    this.order.set(key, embedder);
    if (this.order.size > this.maxEntries) this.evict();
  }

  async search(embedder: string, scope: string, vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const index = this.index(embedder);
    checkVector(vector, index.dims, "query vector");
    const limit = checkK(k);
    const part = index.scopes.get(scope);
    if (!part || part.count === 0) return [];
    const now = this.now();
    const dims = index.dims;
    const data = part.vectors;
    // Top-k kept sorted best-first in two small parallel arrays; k is tiny, so insertion is cheap.
    const topSim: number[] = [];
    const topSlot: number[] = [];
    for (let slot = 0; slot < part.count; slot++) {
      if (part.expiresAt[slot] <= now) continue;
      const dot = dotAt(data, slot * dims, vector, dims);
      if (topSim.length === limit && dot <= topSim[limit - 1]) continue;
      let pos = topSim.length;
      while (pos > 0 && topSim[pos - 1] < dot) pos--;
      topSim.splice(pos, 0, dot);
      topSlot.splice(pos, 0, slot);
      if (topSim.length > limit) {
        topSim.pop();
        topSlot.pop();
      }
    }
    return topSlot.map((slot, i) => ({ id: part.ids[slot], similarity: clamp(topSim[i]) }));
  }

  async delete(embedder: string, filter: VectorDeleteFilter): Promise<number> {
    checkDeleteFilter(filter);
    checkEmbedder(embedder);
    const index = this.indexes.get(embedder);
    if (!index) return 0;
    const victims: string[] = [];
    const idSet = filter.ids ? new Set(filter.ids) : undefined;
    const candidates: Iterable<string> = filter.all ? index.byId.keys() : idSet ?? index.byId.keys();
    for (const id of candidates) {
      const at = index.byId.get(id);
      if (!at) continue;
      if (!filter.all) {
        if (filter.scope !== undefined && at.scope !== filter.scope) continue;
        if (filter.model !== undefined && index.scopes.get(at.scope)!.models[at.slot] !== filter.model) continue;
      }
      victims.push(id);
    }
    for (const id of victims) this.removeAt(index, id, index.byId.get(id)!);
    return victims.length;
  }

  async stats(): Promise<{ entries: number; bytes: number }> {
    let entries = 0;
    let bytes = 0;
    for (const index of this.indexes.values()) {
      entries += index.byId.size;
      for (const part of index.scopes.values()) bytes += part.bytes();
    }
    return { entries, bytes };
  }

  /** Drops expired entries everywhere; called when full, and cheap enough to call on a timer. */
  purgeExpired(): number {
    const now = this.now();
    let removed = 0;
    for (const index of this.indexes.values()) {
      for (const part of index.scopes.values()) {
        for (let slot = part.count - 1; slot >= 0; slot--) {
          if (part.expiresAt[slot] > now) continue;
          this.removeAt(index, part.ids[slot], { scope: index.byId.get(part.ids[slot])!.scope, slot });
          removed++;
        }
      }
    }
    return removed;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.indexes.clear();
    this.order.clear();
  }

  private index(embedder: string): EmbedderIndex {
    checkEmbedder(embedder);
    const index = this.indexes.get(embedder);
    if (!index) throw new VectorStoreArgumentError(`no index for embedder ${embedder}: call ensureIndex first`);
    return index;
  }

  private removeAt(index: EmbedderIndex, id: string, at: Located): void {
    const part = index.scopes.get(at.scope)!;
    const moved = part.remove(at.slot);
    if (moved !== undefined) index.byId.get(moved)!.slot = at.slot;
    index.byId.delete(id);
    if (part.count === 0) index.scopes.delete(at.scope);
    this.order.delete(orderKey(index.name, id));
  }

  private evict(): void {
    // Expired entries are free to drop; only if that is not enough do live entries go, oldest first.
    // The full sweep is O(entries), so at most once a second while the store sits at its bound.
    const now = this.now();
    if (now - this.lastPurge >= 1_000) {
      this.lastPurge = now;
      this.purgeExpired();
    }
    for (const [key, embedder] of this.order) {
      if (this.order.size <= this.maxEntries) break;
      const index = this.indexes.get(embedder)!;
      const id = key.slice(embedder.length + 1);
      this.removeAt(index, id, index.byId.get(id)!);
    }
  }
}

// Four independent accumulators: V8 does not vectorise, but breaking the add dependency chain
// roughly doubles the scan rate (measured in bench/vector-stores.ts).
function dotAt(data: Float32Array, base: number, q: Float32Array, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    a += data[base + i] * q[i];
    b += data[base + i + 1] * q[i + 1];
    c += data[base + i + 2] * q[i + 2];
    d += data[base + i + 3] * q[i + 3];
  }
  for (; i < dims; i++) a += data[base + i] * q[i];
  return a + b + c + d;
}

function orderKey(embedder: string, id: string): string {
  return `${embedder}\u0000${id}`;
}

// Float32 rounding can push the dot product of two unit vectors a hair past 1.
function clamp(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}
