// Redis Stack (RediSearch 2.4+) vector store: the shared semantic index when gateways run as several
// instances with one Redis. Names and query syntax are in redisearch-syntax.ts.
//
// Each entry is one HASH with a Redis TTL (PEXPIREAT), so entries vanish on their own and
// `maxmemory-policy allkeys-lru` can evict them like any cache key (deploy/redis/redis.conf).
// Writes use MULTI on a single key (no Lua, so nothing to hash-tag). Search is a RediSearch hybrid
// query — scope TAG filter first, then KNN — which RediSearch runs as a brute-force scan of the
// filtered set when the scope is small and as a filtered HNSW walk when it is large.
//
// RediSearch on a Redis Cluster needs its coordinator (Redis Enterprise / Redis Cloud); on open-
// source Cluster each shard indexes only its own keys, so use one Redis (or pgvector) there.
import "server-only";
import { Redis } from "ioredis";
import { VectorStoreUnavailableError } from "./errors";
import {
  createIndexArgs,
  entryKey,
  entryPrefix,
  INDEX_PREFIX,
  indexName,
  knnQuery,
  tagClause,
  tagValue,
} from "./redisearch-syntax";
import type { VectorDeleteFilter, VectorEntry, VectorMatch, VectorStore } from "./types";
import { checkDeleteFilter, checkEmbedder, checkEntry, checkK, checkVector, ensureIndexOnce, VectorStoreArgumentError } from "./validate";
import { toFloat32Blob } from "./vector-codec";

export interface RedisStackStoreOptions {
  /** A connected ioredis client; the store closes it only when `ownsClient`. */
  client: Redis;
  ownsClient?: boolean;
  /** Clock (tests). */
  now?: () => number;
}

export interface SearchModuleProbe {
  available: boolean;
  reason: string;
}

/** Keys fetched per FT.SEARCH page when deleting by scope/model/all. */
const DELETE_PAGE = 500;

/**
 * Whether the connected Redis can serve vector search. FT._LIST is the direct test (a plain Redis
 * answers "unknown command"); MODULE LIST then tells the version where the server allows it,
 * because RediSearch before 2.4 (e.g. Debian's 1.2 package) has no VECTOR fields.
 */
export async function probeSearchModule(client: Redis): Promise<SearchModuleProbe> {
  try {
    await client.call("FT._LIST");
  } catch (err) {
    if (isReplyError(err) && /unknown command/i.test(err.message)) {
      return { available: false, reason: "Redis has no search module (FT._LIST is an unknown command); Redis Stack or Redis 8 provides it" };
    }
    throw err;
  }
  let modules: unknown;
  try {
    modules = await client.call("MODULE", "LIST");
  } catch {
    // Managed services often disable MODULE; FT._LIST answered, so assume a usable RediSearch.
    return { available: true, reason: "RediSearch answers FT._LIST (version not visible)" };
  }
  const search = Array.isArray(modules) ? modules.map(pairs).find((m) => m.name === "search" || m.name === "ft") : undefined;
  const ver = Number(search?.ver);
  if (search && Number.isFinite(ver) && ver < 20400) {
    return { available: false, reason: `RediSearch ${formatVersion(ver)} has no vector fields (2.4 or later is needed)` };
  }
  return { available: true, reason: search && Number.isFinite(ver) ? `RediSearch ${formatVersion(ver)}` : "RediSearch answers FT._LIST" };
}

export class RedisStackStore implements VectorStore {
  readonly kind = "redis" as const;
  readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly now: () => number;
  /** Registered dimensions per embedder, and index creations in flight (see ensureIndexOnce). */
  readonly dims = new Map<string, number>();
  readonly ensuring = new Map<string, Promise<void>>();
  private closed = false;

  constructor(opts: RedisStackStoreOptions) {
    this.client = opts.client;
    this.ownsClient = opts.ownsClient ?? false;
    this.now = opts.now ?? Date.now;
  }

  ensureIndex(embedder: string, dimensions: number): Promise<void> {
    return ensureIndexOnce(
      this,
      embedder,
      dimensions,
      () => this.createIndex(embedder, dimensions),
      (registered) => dimensionMismatch(embedder, registered, dimensions),
    );
  }

  async upsert(embedder: string, entry: VectorEntry): Promise<void> {
    const dims = this.dimsOf(embedder);
    checkEntry(entry);
    checkVector(entry.vector, dims);
    const key = entryKey(embedder, entry.id);
    const expiresAt = Math.floor(entry.expiresAt);
    if (expiresAt <= this.now()) {
      // Already expired: nothing to keep, but it must replace (remove) an older live version.
      await this.run("DEL", () => this.client.call("DEL", key));
      return;
    }
    const fields: (string | Buffer)[] = ["scope", tagValue(entry.scope), "expires_at", String(expiresAt), "vector", toFloat32Blob(entry.vector)];
    if (entry.model !== undefined) fields.push("model", tagValue(entry.model));
    // DEL first so a rewrite without a model does not keep the old one; one key, so MULTI is
    // atomic and Cluster-safe without a hash tag.
    const replies = await this.run("MULTI", () =>
      this.client.multi().call("DEL", key).call("HSET", key, ...fields).call("PEXPIREAT", key, String(expiresAt)).exec(),
    );
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw failed?.[0] ?? new VectorStoreUnavailableError("Redis MULTI for a semantic cache entry was aborted");
  }

  async search(embedder: string, scope: string, vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const dims = this.dimsOf(embedder);
    checkVector(vector, dims, "query vector");
    const limit = checkK(k);
    let reply: unknown;
    try {
      reply = await this.searchOnce(embedder, scope, vector, limit);
    } catch (err) {
      if (!isUnknownIndex(err)) throw err;
      // The index went away under us (FLUSHALL, a Redis restarted without persistence, an
      // operator's FT.DROPINDEX): recreate it — RediSearch indexes existing hashes in the
      // background — and answer this one lookup as a miss.
      this.dims.delete(embedder);
      await this.ensureIndex(embedder, dims);
      return [];
    }
    const prefix = entryPrefix(embedder);
    const expectedTag = tagValue(scope);
    const matches: VectorMatch[] = [];
    for (const doc of parseSearchReply(reply)) {
      // The index already filtered by scope; checking the stored tag again means no query-syntax
      // or TAG-parsing surprise can ever serve an answer across scopes.
      if (doc.fields.scope !== expectedTag || !doc.key.startsWith(prefix)) continue;
      const dist = Number(doc.fields.dist);
      if (!Number.isFinite(dist)) continue;
      matches.push({ id: doc.key.slice(prefix.length), similarity: clamp(1 - dist) });
    }
    return matches.sort((a, b) => b.similarity - a.similarity).slice(0, limit);
  }

  private searchOnce(embedder: string, scope: string, vector: Float32Array, limit: number): Promise<unknown> {
    return this.run("FT.SEARCH", () =>
      this.client.call(
        "FT.SEARCH",
        indexName(embedder),
        knnQuery(scope, this.now(), limit),
        "PARAMS", "2", "B", toFloat32Blob(vector),
        "RETURN", "2", "scope", "dist",
        "SORTBY", "dist",
        "LIMIT", "0", String(limit),
        "DIALECT", "2",
      ),
    );
  }

  async delete(embedder: string, filter: VectorDeleteFilter): Promise<number> {
    checkEmbedder(embedder);
    checkDeleteFilter(filter);
    if (!filter.all && filter.ids !== undefined) return this.deleteIds(embedder, filter.ids, filter);
    const clauses: string[] = [];
    if (!filter.all && filter.scope !== undefined) clauses.push(tagClause("scope", filter.scope));
    if (!filter.all && filter.model !== undefined) clauses.push(tagClause("model", filter.model));
    const query = clauses.length ? clauses.join(" ") : "*";
    let deleted = 0;
    // Delete what one page finds, then ask again from the start until nothing matches: offsets
    // would shift under the deletions.
    for (;;) {
      let reply: unknown;
      try {
        reply = await this.run("FT.SEARCH", () =>
          this.client.call("FT.SEARCH", indexName(embedder), query, "NOCONTENT", "LIMIT", "0", String(DELETE_PAGE), "DIALECT", "2"),
        );
      } catch (err) {
        if (isUnknownIndex(err)) return deleted;
        throw err;
      }
      const keys = parseNoContentReply(reply);
      if (keys.length === 0) return deleted;
      const n = await this.unlink(keys);
      deleted += n;
      // Keys the index still lists but Redis no longer has (expired a moment ago): done.
      if (n === 0) return deleted;
    }
  }

  async stats(): Promise<{ entries: number; bytes?: number }> {
    const names = await this.run("FT._LIST", () => this.client.call("FT._LIST"));
    let entries = 0;
    let bytes = 0;
    for (const name of Array.isArray(names) ? names.map(String) : []) {
      if (!name.startsWith(INDEX_PREFIX)) continue;
      let info: Record<string, unknown>;
      try {
        info = pairs(await this.run("FT.INFO", () => this.client.call("FT.INFO", name)));
      } catch (err) {
        if (isUnknownIndex(err)) continue; // dropped between the two calls
        throw err;
      }
      entries += Number(info.num_docs ?? 0) || 0;
      // Index structures as FT.INFO reports them (the hashes themselves are in INFO memory).
      for (const f of ["inverted_sz_mb", "vector_index_sz_mb", "offset_vectors_sz_mb", "doc_table_size_mb", "sortable_values_size_mb", "key_table_size_mb"]) {
        bytes += (Number(info[f] ?? 0) || 0) * 1024 * 1024;
      }
    }
    return { entries, bytes: Math.round(bytes) };
  }

  async ping(): Promise<void> {
    await this.run("PING", () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async createIndex(embedder: string, dimensions: number): Promise<void> {
    const name = indexName(embedder);
    let existing: number | undefined;
    try {
      const info = pairs(await this.run("FT.INFO", () => this.client.call("FT.INFO", name)));
      existing = vectorDim(info);
    } catch (err) {
      if (!isUnknownIndex(err)) throw err;
      try {
        await this.run("FT.CREATE", () => this.client.call("FT.CREATE", ...createIndexArgs(embedder, dimensions)));
      } catch (createErr) {
        // Another instance created it between our FT.INFO and FT.CREATE: that is success.
        if (!(isReplyError(createErr) && /index already exists/i.test(createErr.message))) throw createErr;
      }
      existing = dimensions;
    }
    // Older RediSearch versions do not list the vector's DIM in FT.INFO; then trust the caller.
    if (existing !== undefined && existing !== dimensions) throw dimensionMismatch(embedder, existing, dimensions);
    this.dims.set(embedder, dimensions);
  }

  private async deleteIds(embedder: string, ids: string[], filter: VectorDeleteFilter): Promise<number> {
    if (ids.length === 0) return 0;
    let keys = ids.map((id) => entryKey(embedder, id));
    if (filter.scope !== undefined || filter.model !== undefined) {
      const wantScope = filter.scope === undefined ? undefined : tagValue(filter.scope);
      const wantModel = filter.model === undefined ? undefined : tagValue(filter.model);
      const current = await Promise.all(keys.map((key) => this.run("HMGET", () => this.client.hmget(key, "scope", "model"))));
      keys = keys.filter((_, i) => {
        const [scope, model] = current[i];
        return scope !== null && (wantScope === undefined || scope === wantScope) && (wantModel === undefined || model === wantModel);
      });
    }
    return this.unlink(keys);
  }

  // One UNLINK per key: a multi-key UNLINK is refused across Cluster slots.
  private async unlink(keys: string[]): Promise<number> {
    const counts = await Promise.all(keys.map((key) => this.run("UNLINK", () => this.client.call("UNLINK", key))));
    return counts.reduce<number>((n, c) => n + Number(c), 0);
  }

  private dimsOf(embedder: string): number {
    checkEmbedder(embedder);
    const dims = this.dims.get(embedder);
    if (dims === undefined) throw new VectorStoreArgumentError(`no index for embedder ${embedder}: call ensureIndex first`);
    return dims;
  }

  // Same conventions as lib/store/kv-redis.ts: an outage is a VectorStoreUnavailableError (the
  // cache then skips), a Redis reply error is kept as it is (a bug or a handled case above).
  private async run<T>(command: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new VectorStoreUnavailableError("the Redis vector store is closed");
    if (this.client.status !== "ready") {
      throw new VectorStoreUnavailableError(`Redis is unavailable (${this.client.status}); ${command} not executed`);
    }
    try {
      return await fn();
    } catch (err) {
      if (isReplyError(err)) throw err;
      throw new VectorStoreUnavailableError(`Redis ${command} failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
}

export interface SearchDoc {
  key: string;
  fields: Record<string, string>;
}

/**
 * FT.SEARCH reply, with fields. RESP2 (DIALECT 2): [total, key, [field, value, …], key, […], …].
 * RESP3 (RediSearch 2.8+, as ioredis' default "legacy" mapping flattens maps):
 * ["attributes", […], "format", "STRING", "results", [["id", key, "extra_attributes", [field,
 * value, …], "values", []], …], "total_results", n, "warning", []]. select.ts asks for RESP2;
 * both are read so a client handed in from elsewhere works too.
 */
export function parseSearchReply(reply: unknown): SearchDoc[] {
  if (!Array.isArray(reply)) throw new Error("unexpected FT.SEARCH reply");
  if (typeof reply[0] !== "number") {
    const results = pairs(reply).results;
    if (!Array.isArray(results)) throw new Error("unexpected FT.SEARCH reply (RESP3 without results)");
    return results.map((r) => {
      const doc = pairs(r);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(pairs(doc.extra_attributes))) fields[k] = String(v);
      return { key: String(doc.id), fields };
    });
  }
  const docs: SearchDoc[] = [];
  for (let i = 1; i + 1 < reply.length; i += 2) {
    const fields: Record<string, string> = {};
    const list = reply[i + 1];
    if (Array.isArray(list)) for (let j = 0; j + 1 < list.length; j += 2) fields[String(list[j])] = String(list[j + 1]);
    docs.push({ key: String(reply[i]), fields });
  }
  return docs;
}

/** FT.SEARCH … NOCONTENT reply: RESP2 [total, key, key, …]; RESP3 as above, results with ids only. */
export function parseNoContentReply(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error("unexpected FT.SEARCH reply");
  if (typeof reply[0] !== "number") {
    const results = pairs(reply).results;
    return Array.isArray(results) ? results.map((r) => String(pairs(r).id)) : [];
  }
  return reply.slice(1).map(String);
}

/** A flat [name, value, name, value, …] reply (FT.INFO, MODULE LIST entries) as an object. */
function pairs(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

/** The DIM of the index's VECTOR attribute, where FT.INFO lists it (RediSearch 2.8+). */
function vectorDim(info: Record<string, unknown>): number | undefined {
  const attrs = info.attributes;
  if (!Array.isArray(attrs)) return undefined;
  for (const attr of attrs) {
    const a = Object.fromEntries(Object.entries(pairs(attr)).map(([k, v]) => [k.toLowerCase(), v]));
    if (String(a.type).toUpperCase() === "VECTOR" && a.dim !== undefined) return Number(a.dim);
  }
  return undefined;
}

function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ReplyError";
}

// "Unknown index name" (FT.INFO, RediSearch ≤ 2.6 spells it "Unknown Index name"), and
// "<index>: no such index" (FT.SEARCH since 2.8).
function isUnknownIndex(err: unknown): boolean {
  return isReplyError(err) && /unknown index name|no such index/i.test(err.message);
}

function formatVersion(ver: number): string {
  return `${Math.floor(ver / 10000)}.${Math.floor(ver / 100) % 100}.${ver % 100}`;
}

function dimensionMismatch(embedder: string, existing: number, requested: number): VectorStoreArgumentError {
  return new VectorStoreArgumentError(
    `embedder ${embedder} has a Redis index with ${existing} dimensions, not ${requested}; ` +
      `an embedder id must name one model (drop ${indexName(embedder)} to change it)`,
  );
}

function clamp(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}
