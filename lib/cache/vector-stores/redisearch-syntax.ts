// RediSearch names and query fragments for the semantic cache, in one place so the store and its
// tests agree on every byte. Operator-facing names:
//
//   index   helix:semantic:index:<embedder>       (one per embedder: dimensions differ)
//   entries helix:semantic:<embedder>:<id>         HASH {scope, model?, expires_at, vector}
//
// The `helix:semantic:index` name from the design is the prefix of every index; the suffix is the
// embedder id, which cannot be "index" (validate.ts), so no entry key ever looks like an index name.
import "server-only";
import { createHash } from "node:crypto";

export const INDEX_PREFIX = "helix:semantic:index:";
export const KEY_PREFIX = "helix:semantic:";

export function indexName(embedder: string): string {
  return `${INDEX_PREFIX}${embedder}`;
}

export function entryPrefix(embedder: string): string {
  return `${KEY_PREFIX}${embedder}:`;
}

export function entryKey(embedder: string, id: string): string {
  return `${entryPrefix(embedder)}${id}`;
}

/** FT.CREATE arguments (after the command name). */
export function createIndexArgs(embedder: string, dimensions: number): string[] {
  return [
    indexName(embedder),
    "ON", "HASH",
    "PREFIX", "1", entryPrefix(embedder),
    "SCHEMA",
    // CASESENSITIVE: TAG values are lower-cased by default, and "ABC" and "abc" are different scopes.
    "scope", "TAG", "CASESENSITIVE",
    "model", "TAG", "CASESENSITIVE",
    "expires_at", "NUMERIC",
    "vector", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", String(dimensions), "DISTANCE_METRIC", "COSINE",
  ];
}

// A value TAG indexing keeps whole: no separator (","), no whitespace that RediSearch trims, and
// nothing else that needs care. Scopes are hex hashes, so this is the path they take.
const PLAIN_TAG = /^[A-Za-z0-9_.:-]{1,256}$/;

/**
 * The TAG value stored for a scope or model. Plain values are stored as they are (readable for
 * operators); anything else — a comma would split it into two tags — as "~" + sha256, and "~"
 * never starts a plain value, so the two forms cannot collide.
 */
export function tagValue(value: string): string {
  return PLAIN_TAG.test(value) ? value : `~${createHash("sha256").update(value).digest("hex")}`;
}

/** Backslash-escapes every character RediSearch's query parser treats specially inside {…}. */
export function escapeTag(value: string): string {
  return value.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

/** `@field:{value}` for an exact TAG match. */
export function tagClause(field: string, value: string): string {
  return `@${field}:{${escapeTag(tagValue(value))}}`;
}

/** The hybrid KNN query: k nearest within the scope among entries not yet expired at `now`. */
export function knnQuery(scope: string, now: number, k: number): string {
  // Redis deletes expired keys lazily and in sampled sweeps, and the index follows the deletion;
  // the expires_at range keeps a key that expired a moment ago out of the answer meanwhile.
  return `(${tagClause("scope", scope)} @expires_at:[(${Math.floor(now)} +inf])=>[KNN ${k} @vector $B AS dist]`;
}
