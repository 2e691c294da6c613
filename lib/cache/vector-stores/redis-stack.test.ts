// Redis Stack store against the RESP-level RediSearch fake (testing/fake-redisearch.ts): the real
// ioredis client, exact command forms, and RediSearch's reply shapes and error texts.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseNoContentReply, parseSearchReply, probeSearchModule, RedisStackStore } from "./redis-stack";
import { createIndexArgs, escapeTag, knnQuery, tagValue } from "./redisearch-syntax";
import { describeVectorStoreContract } from "./testing/contract";
import { FakeRediSearch } from "./testing/fake-redisearch";
import { axis } from "./testing/vectors";
import { fromFloat32Blob, toFloat32Blob } from "./vector-codec";

async function connect(url: string): Promise<Redis> {
  // RESP2, as select.ts connects (RediSearch's RESP3 shapes differ; see parseSearchReply).
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, protocol: 2 });
  client.on("error", () => {});
  await client.connect();
  return client;
}

describeVectorStoreContract("redis-stack (recorded RediSearch replies)", async () => {
  const fake = new FakeRediSearch();
  const client = await connect(await fake.start());
  const store = new RedisStackStore({ client, ownsClient: true });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await fake.stop();
    },
  };
});

describe("RedisStackStore commands", () => {
  const fake = new FakeRediSearch();
  let client: Redis;
  let store: RedisStackStore;
  const NOW = 1_800_000_000_000;
  beforeAll(async () => {
    client = await connect(await fake.start());
    store = new RedisStackStore({ client, now: () => NOW });
  });
  afterAll(async () => {
    await client.quit();
    await fake.stop();
  });
  beforeEach(() => fake.clearLog());

  it("creates the index once with the documented FT.CREATE form", async () => {
    await store.ensureIndex("minilm", 384);
    await store.ensureIndex("minilm", 384);
    expect(fake.commands()).toEqual([
      ["FT.INFO", "helix:semantic:index:minilm"],
      [
        "FT.CREATE", "helix:semantic:index:minilm", "ON", "HASH", "PREFIX", "1", "helix:semantic:minilm:",
        "SCHEMA", "scope", "TAG", "CASESENSITIVE", "model", "TAG", "CASESENSITIVE", "expires_at", "NUMERIC",
        "vector", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "384", "DISTANCE_METRIC", "COSINE",
      ],
    ]);
  });

  it("treats 'Index already exists' (another instance won the race) as success, and reads DIM back", async () => {
    await client.call("FT.CREATE", ...createIndexArgs("raced", 8));
    const other = new RedisStackStore({ client });
    await other.ensureIndex("raced", 8); // FT.INFO finds it
    await expect(new RedisStackStore({ client }).ensureIndex("raced", 16)).rejects.toThrow(/8 dimensions, not 16/);
    await expect(client.call("FT.CREATE", ...createIndexArgs("raced", 8))).rejects.toThrow("Index already exists");
  });

  it("writes a hash with a little-endian FLOAT32 blob and a PEXPIREAT, atomically", async () => {
    await store.ensureIndex("w", 4);
    fake.clearLog();
    const v = new Float32Array([0.5, -0.5, 0.5, -0.5]);
    await store.upsert("w", { id: "req-1", scope: "abc123", vector: v, expiresAt: NOW + 60_000, model: "gpt-4o" });
    expect(fake.commands()).toEqual([
      ["MULTI"],
      ["DEL", "helix:semantic:w:req-1"],
      ["HSET", "helix:semantic:w:req-1", "scope", "abc123", "expires_at", String(NOW + 60_000), "vector", "<16 bytes>", "model", "gpt-4o"],
      ["PEXPIREAT", "helix:semantic:w:req-1", String(NOW + 60_000)],
      ["EXEC"],
    ]);
    const hset = fake.received.find((c) => c[0].toString() === "HSET")!;
    expect(hset[7].equals(Buffer.from([0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xbf, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xbf]))).toBe(true);
    expect(fake.ttlAt("helix:semantic:w:req-1")).toBe(NOW + 60_000);
  });

  it("searches with the hybrid KNN query, escaped TAG, PARAMS blob, SORTBY dist and DIALECT 2", async () => {
    await store.ensureIndex("s", 4);
    fake.clearLog();
    await store.search("s", "ab-12.x", axis(4, 0), 3);
    const [cmd] = fake.commands();
    expect(cmd).toEqual([
      "FT.SEARCH", "helix:semantic:index:s",
      `(@scope:{ab\\-12\\.x} @expires_at:[(${NOW} +inf])=>[KNN 3 @vector $B AS dist]`,
      "PARAMS", "2", "B", "<16 bytes>",
      "RETURN", "2", "scope", "dist",
      "SORTBY", "dist",
      "LIMIT", "0", "3",
      "DIALECT", "2",
    ]);
  });

  it("parses FT.SEARCH replies as RediSearch sends them (DIALECT 2, RETURN)", async () => {
    // Recorded shape: total, then key and a flat field/value list per document.
    const reply = [2, "helix:semantic:e:a", ["scope", "s1", "dist", "5.96046447754e-08"], "helix:semantic:e:b", ["scope", "s1", "dist", "0.292893230915"]];
    expect(parseSearchReply(reply)).toEqual([
      { key: "helix:semantic:e:a", fields: { scope: "s1", dist: "5.96046447754e-08" } },
      { key: "helix:semantic:e:b", fields: { scope: "s1", dist: "0.292893230915" } },
    ]);
    expect(parseSearchReply([0])).toEqual([]);
    // The RESP3 shape (RediSearch 2.8+), as ioredis' legacy mapping flattens its maps.
    const resp3 = [
      "attributes", [],
      "format", "STRING",
      "results", [
        ["id", "helix:semantic:e:a", "extra_attributes", ["scope", "s1", "dist", "5.96046447754e-08"], "values", []],
        ["id", "helix:semantic:e:b", "extra_attributes", ["scope", "s1", "dist", "0.292893230915"], "values", []],
      ],
      "total_results", 2,
      "warning", [],
    ];
    expect(parseSearchReply(resp3)).toEqual(parseSearchReply(reply));
    expect(parseNoContentReply(["attributes", [], "results", [["id", "k1", "values", []]], "total_results", 1, "warning", []])).toEqual(["k1"]);
    expect(parseNoContentReply([2, "k1", "k2"])).toEqual(["k1", "k2"]);
    // And through ioredis off the wire: dist formatted like %.12g, similarity = 1 - dist.
    await store.ensureIndex("p", 2);
    await store.upsert("p", { id: "a", scope: "s1", vector: new Float32Array([1, 0]), expiresAt: NOW + 60_000 });
    await store.upsert("p", { id: "b", scope: "s1", vector: new Float32Array([Math.SQRT1_2, Math.SQRT1_2]), expiresAt: NOW + 60_000 });
    const raw = await client.call("FT.SEARCH", "helix:semantic:index:p", knnQuery("s1", NOW, 2), "PARAMS", "2", "B", toFloat32Blob(new Float32Array([1, 0])), "RETURN", "2", "scope", "dist", "SORTBY", "dist", "DIALECT", "2");
    expect(raw).toEqual([2, "helix:semantic:p:a", ["scope", "s1", "dist", "0"], "helix:semantic:p:b", ["scope", "s1", "dist", expect.stringMatching(/^0\.29289/)]]);
    const hits = await store.search("p", "s1", new Float32Array([1, 0]), 2);
    expect(hits.map((h) => h.id)).toEqual(["a", "b"]);
    expect(hits[1].similarity).toBeCloseTo(Math.SQRT1_2, 5);
  });

  it("drops documents whose stored scope tag differs, whatever the index answered", async () => {
    await store.ensureIndex("guard", 2);
    await store.upsert("guard", { id: "x", scope: "s1", vector: new Float32Array([1, 0]), expiresAt: NOW + 60_000 });
    // A TAG query that is not case sensitive (an index created by hand without CASESENSITIVE)
    // would return S1's entries for s1; the store's own check still refuses them.
    await client.call("HSET", "helix:semantic:guard:y", "scope", "S1", "expires_at", String(NOW + 60_000), "vector", toFloat32Blob(new Float32Array([1, 0])));
    expect((await store.search("guard", "s1", new Float32Array([1, 0]), 5)).map((h) => h.id)).toEqual(["x"]);
  });

  it("stores non-plain scopes as a hashed tag so separators and spaces cannot split them", () => {
    expect(tagValue("0123abcdef")).toBe("0123abcdef");
    expect(tagValue("a,b")).toMatch(/^~[0-9a-f]{64}$/);
    expect(tagValue("a b")).not.toBe(tagValue("a,b"));
    expect(escapeTag("gpt-4o.mini:2024")).toBe("gpt\\-4o\\.mini\\:2024");
  });

  it("deletes by scope through FT.SEARCH NOCONTENT pages and per-key UNLINK", async () => {
    await store.ensureIndex("d", 2);
    await store.upsert("d", { id: "1", scope: "s", vector: new Float32Array([1, 0]), expiresAt: NOW + 60_000 });
    await store.upsert("d", { id: "2", scope: "s", vector: new Float32Array([0, 1]), expiresAt: NOW + 60_000 });
    fake.clearLog();
    expect(await store.delete("d", { scope: "s" })).toBe(2);
    expect(fake.commands()).toEqual([
      ["FT.SEARCH", "helix:semantic:index:d", "@scope:{s}", "NOCONTENT", "LIMIT", "0", "500", "DIALECT", "2"],
      ["UNLINK", "helix:semantic:d:1"],
      ["UNLINK", "helix:semantic:d:2"],
      ["FT.SEARCH", "helix:semantic:index:d", "@scope:{s}", "NOCONTENT", "LIMIT", "0", "500", "DIALECT", "2"],
    ]);
    expect(await store.delete("never-created", { all: true })).toBe(0); // "no such index" → nothing
  });

  it("recreates a vanished index on search (FLUSHALL, restart) and answers a miss", async () => {
    const fresh = new RedisStackStore({ client });
    await fresh.ensureIndex("gone", 2);
    await client.call("FT.DROPINDEX", "helix:semantic:index:gone");
    fake.clearLog();
    expect(await fresh.search("gone", "s", new Float32Array([1, 0]), 1)).toEqual([]);
    expect(fake.commands().map((c) => c[0])).toEqual(["FT.SEARCH", "FT.INFO", "FT.CREATE"]);
  });

  it("sums num_docs over Helix's indexes only (FT._LIST + FT.INFO)", async () => {
    await client.call("FT.CREATE", "someone-else", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "t", "TAG");
    const s = await store.stats();
    fake.clearLog();
    await store.stats();
    const cmds = fake.commands();
    expect(cmds[0]).toEqual(["FT._LIST"]);
    expect(cmds.slice(1).every((c) => c[0] === "FT.INFO" && c[1].startsWith("helix:semantic:index:"))).toBe(true);
    expect(s.entries).toBeGreaterThan(0);
    expect(s.bytes).toBeGreaterThan(0);
  });

  it("round-trips FLOAT32 blobs", () => {
    const v = new Float32Array([1.5, -2.25, 3e-8, 0]);
    expect(Array.from(fromFloat32Blob(toFloat32Blob(v)))).toEqual(Array.from(v));
  });
});

describe("probeSearchModule", () => {
  it("accepts Redis Stack (RediSearch 2.8)", async () => {
    const fake = new FakeRediSearch({ version: 20811 });
    const client = await connect(await fake.start());
    try {
      expect(await probeSearchModule(client)).toEqual({ available: true, reason: "RediSearch 2.8.11" });
      expect(fake.commands()).toEqual([["FT._LIST"], ["MODULE", "LIST"]]);
    } finally {
      client.disconnect();
      await fake.stop();
    }
  });

  it("refuses RediSearch before 2.4 (no VECTOR fields)", async () => {
    const fake = new FakeRediSearch({ version: 20206 });
    const client = await connect(await fake.start());
    try {
      expect(await probeSearchModule(client)).toMatchObject({ available: false, reason: expect.stringMatching(/2\.2\.6 has no vector fields/) });
    } finally {
      client.disconnect();
      await fake.stop();
    }
  });

  it("refuses a Redis without modules", async () => {
    const fake = new FakeRediSearch({ search: false });
    const client = await connect(await fake.start());
    try {
      expect(await probeSearchModule(client)).toMatchObject({ available: false, reason: expect.stringMatching(/no search module/) });
    } finally {
      client.disconnect();
      await fake.stop();
    }
  });
});
