// Argument checks shared by every backend. Embedder ids end up inside SQL identifiers, partial-index
// predicates and Redis key prefixes, so they are restricted to a safe alphabet here, once.
import "server-only";

const EMBEDDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export class VectorStoreArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VectorStoreArgumentError";
  }
}

/** Throws unless `embedder` is 1–63 of [A-Za-z0-9._-] (and not the reserved Redis name "index"). */
export function checkEmbedder(embedder: string): void {
  if (!EMBEDDER_ID.test(embedder) || embedder === "index") {
    throw new VectorStoreArgumentError(
      `embedder id ${JSON.stringify(embedder)} is not allowed: use 1-63 characters of A-Z a-z 0-9 . _ - (not "index")`,
    );
  }
}

export function checkDimensions(dimensions: number): void {
  // 16000 is pgvector's limit for the vector type; HNSW itself indexes up to 2000 dimensions.
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new VectorStoreArgumentError(`dimensions must be an integer 1..2000, got ${dimensions}`);
  }
}

export function checkVector(vector: Float32Array, dimensions: number, what = "vector"): void {
  if (!(vector instanceof Float32Array)) throw new VectorStoreArgumentError(`${what} must be a Float32Array`);
  if (vector.length !== dimensions) {
    throw new VectorStoreArgumentError(`${what} has ${vector.length} dimensions, the index has ${dimensions}`);
  }
  for (let i = 0; i < vector.length; i++) {
    // NaN/Infinity would poison distances (and pgvector rejects them); fail at the caller instead.
    if (!Number.isFinite(vector[i])) throw new VectorStoreArgumentError(`${what} contains a non-finite value at ${i}`);
  }
}

export function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new VectorStoreArgumentError(`k must be a positive integer, got ${k}`);
  // A cache lookup needs a handful of candidates; a cap keeps a bad caller from a full scan reply.
  return Math.min(k, 100);
}

export function checkEntry(entry: { id: string; scope: string; expiresAt: number }): void {
  if (typeof entry.id !== "string" || entry.id === "") throw new VectorStoreArgumentError("entry id must be a non-empty string");
  if (typeof entry.scope !== "string" || entry.scope === "") throw new VectorStoreArgumentError("entry scope must be a non-empty string");
  if (!Number.isFinite(entry.expiresAt)) throw new VectorStoreArgumentError("entry expiresAt must be a finite ms timestamp");
}

/** Criteria are ANDed; `all` wins over the rest. An empty filter is a caller bug, not "delete all". */
export function checkDeleteFilter(filter: { ids?: string[]; scope?: string; model?: string; all?: true }): void {
  if (filter.all === true) return;
  if (filter.ids === undefined && filter.scope === undefined && filter.model === undefined) {
    throw new VectorStoreArgumentError("delete needs ids, scope, model or all: true");
  }
  if (filter.ids !== undefined && !Array.isArray(filter.ids)) throw new VectorStoreArgumentError("delete ids must be an array");
}

/**
 * Index creation shared by the stores: at most one creation per embedder in flight, then the
 * embedder's registered dimensions must match the requested ones (`mismatch` says why not).
 */
export async function ensureIndexOnce(
  state: { dims: Map<string, number>; ensuring: Map<string, Promise<void>> },
  embedder: string,
  dimensions: number,
  create: () => Promise<void>,
  mismatch: (registered: number) => Error,
): Promise<void> {
  checkEmbedder(embedder);
  checkDimensions(dimensions);
  const known = state.dims.get(embedder);
  if (known !== undefined) {
    if (known !== dimensions) throw mismatch(known);
    return;
  }
  let pending = state.ensuring.get(embedder);
  if (!pending) {
    pending = create().finally(() => state.ensuring.delete(embedder));
    state.ensuring.set(embedder, pending);
  }
  await pending;
  const now = state.dims.get(embedder);
  if (now !== dimensions) throw mismatch(now ?? 0);
}
