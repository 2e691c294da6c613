// Production mode: PostgreSQL and a Redis of this test's own (so it can be stopped), two Helix
// instances. Cached answers are shared by a team across instances and never across teams; with
// Redis gone, answers keep flowing and the cache comes back by itself.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { privateRedis, type PrivateRedis } from "./support/private-services";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-cache-e2e";
let fake: FakeUpstream;
let db: TestDatabase;
let redis: PrivateRedis;
let a: HelixServer;
let b: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  redis = await privateRedis();
  await redis.start();
  const env = {
    ...upstreamEnv(fake),
    HELIX_CONFIG: writeConfig(fake),
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    MASTER_KEY: MASTER,
    HELIX_EMBEDDINGS_OFFLINE: "true",
  };
  [a, b] = await Promise.all([startHelix(env), startHelix(env)]);
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.kill();
  await fake?.close();
  await db?.drop();
});

function admin(server: HelixServer, method: string, path: string, body?: unknown, key = MASTER) {
  return adminRequest(server.url, key, method, path, body);
}

async function createKeyWithId(team: string, cache?: { enabled?: boolean | null; similarity_threshold?: number | null }) {
  const r = await admin(a, "POST", "/helix/keys", { name: `${team}-key`, team, ...(cache ? { cache } : {}) });
  expect(r.status).toBe(201);
  return r.json as { id: string; key: string; cache: { enabled: boolean | null; similarity_threshold: number | null } };
}

async function createKey(team: string): Promise<string> {
  return (await createKeyWithId(team)).key;
}

async function waitForEmbedder(): Promise<void> {
  await expect
    .poll(async () => ((await (await fetch(`${a.url}/health/readiness`)).json()) as { checks: { embedder: { ready: boolean } } }).checks.embedder.ready, {
      timeout: 30_000,
    })
    .toBe(true);
}

async function ask(server: HelixServer, key: string, content: string) {
  const c = new OpenAI({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 });
  const { data, response } = await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
  return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache") };
}

test("a team shares cached answers across instances; another team never sees them", async () => {
  const [alpha1, alpha2, beta] = await Promise.all([createKey("alpha"), createKey("alpha"), createKey("beta")]);
  const prompt = `shared answer ${Date.now()}`;
  expect((await ask(a, alpha1, prompt)).cache).toBe("MISS");
  await expect.poll(async () => (await ask(b, alpha2, prompt)).cache, { timeout: 5000 }).toBe("HIT");
  expect((await ask(b, beta, prompt)).cache).toBe("MISS");
  // Each request's log row carries its cache status.
  await expect
    .poll(async () => (await db.query<{ cache_status: string }>("SELECT cache_status FROM request_logs WHERE cache_status IS NOT NULL")).map((l) => l.cache_status).sort())
    .toEqual(expect.arrayContaining(["HIT", "MISS", "MISS"]));
  const hit = await db.query<{ cache_saved_ms: number | null }>("SELECT cache_saved_ms FROM request_logs WHERE cache_status = 'HIT' LIMIT 1");
  expect(hit[0].cache_saved_ms).not.toBeNull();
});

test("semantic hits with Redis + PostgreSQL (no pgvector, no RediSearch: the in-process index)", async () => {
  const key = await createKey("delta");
  await waitForEmbedder();
  const prompt = "How do I reset my password?";
  await ask(a, key, prompt);
  await expect.poll(async () => (await ask(a, key, prompt)).cache, { timeout: 5000 }).toBe("HIT");
  expect((await ask(a, key, "What are the steps to reset my password?")).cache).toBe("SEMANTIC_HIT");
  await expect
    .poll(async () => (await db.query<{ s: number | null }>("SELECT cache_similarity AS s FROM request_logs WHERE cache_status = 'SEMANTIC_HIT'"))[0]?.s ?? 0)
    .toBeGreaterThan(0.8);
  const stats = (await (await fetch(`${a.url}/helix/stats`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as {
    cache: { semantic_hit: number; vector_store: { kind: string } };
  };
  expect(stats.cache.semantic_hit).toBeGreaterThanOrEqual(1);
  expect(stats.cache.vector_store.kind).toBe("memory");
});

test("per key and per team cache switches: a team change applies to the next request on the other instance", async () => {
  const off = await createKeyWithId("epsilon", { enabled: false });
  expect(off.cache).toEqual({ enabled: false, similarity_threshold: null });
  const mate = await createKeyWithId("epsilon");
  const prompt = `team switch ${Date.now()}`;
  expect((await ask(a, mate.key, prompt)).cache).toBe("MISS");
  await expect.poll(async () => (await ask(b, mate.key, prompt)).cache, { timeout: 5000 }).toBe("HIT");
  // Same team, same prompt, answer in the cache: the key with caching off neither reads it…
  expect((await ask(a, off.key, prompt)).cache).toBe("BYPASS");
  // …nor writes its own answers (checked below, once the team's cache is read again).
  const own = `not stored ${Date.now()}`;
  expect((await ask(b, off.key, own)).cache).toBe("BYPASS");

  const teams = await admin(a, "GET", "/helix/teams");
  expect(teams.status).toBe(200);
  const team = (teams.json.data as { id: string; name: string }[]).find((t) => t.name === "epsilon")!;
  expect(team).toMatchObject({ org: null, keyCount: 2, cache: { enabled: null, similarity_threshold: null } });

  // Team off, changed through A: the teammate's very next request on B bypasses (its key lookup
  // was cached in the shared Redis a moment ago).
  const disabled = await admin(a, "PATCH", `/helix/teams/${team.id}`, { cache: { enabled: false } });
  expect(disabled.status).toBe(200);
  expect(disabled.json).toMatchObject({ id: team.id, name: "epsilon", cache: { enabled: false, similarity_threshold: null } });
  expect((await ask(b, mate.key, prompt)).cache).toBe("BYPASS");

  // Back to inherit, changed through B: a HIT again on A at once.
  const inherit = await admin(b, "PATCH", `/helix/teams/${team.id}`, { cache: { enabled: null } });
  expect(inherit.json.cache).toEqual({ enabled: null, similarity_threshold: null });
  expect((await ask(a, mate.key, prompt)).cache).toBe("HIT");
  expect((await ask(a, mate.key, own)).cache).toBe("MISS");
  // The key's own setting still wins over the team's; reset, it inherits and hits.
  expect((await ask(b, off.key, prompt)).cache).toBe("BYPASS");
  const reset = await admin(a, "PATCH", `/helix/keys/${off.id}`, { cache: { enabled: null } });
  expect(reset).toMatchObject({ status: 200, json: { id: off.id, cache: { enabled: null, similarity_threshold: null } } });
  expect((await ask(b, off.key, prompt)).cache).toBe("HIT");
  expect((await admin(a, "GET", "/helix/keys")).json.data.find((k: { id: string }) => k.id === off.id).cache).toEqual({
    enabled: null,
    similarity_threshold: null,
  });
});

test("the cache settings API: 404 for unknown ids, 400 for bad values, master key only", async () => {
  const missingTeam = await admin(a, "PATCH", "/helix/teams/no-such-team", { cache: { enabled: false } });
  expect(missingTeam.status).toBe(404);
  expect(missingTeam.json.error).toMatchObject({ type: "invalid_request_error", code: "not_found", param: "id" });
  expect((await admin(a, "PATCH", "/helix/keys/no-such-key", { cache: { enabled: false } })).status).toBe(404);
  const k = await createKeyWithId("eta");
  const bad = await admin(a, "PATCH", `/helix/keys/${k.id}`, { cache: { similarity_threshold: 1.5 } });
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatchObject({ type: "invalid_request_error", param: "cache.similarity_threshold" });
  expect((await admin(a, "PATCH", `/helix/keys/${k.id}`, { cache: { enable: false } })).status).toBe(400);
  expect((await admin(a, "POST", "/helix/keys", { name: "x", cache: { similarity_threshold: -1 } })).status).toBe(400);
  expect((await admin(a, "GET", "/helix/teams", undefined, k.key)).status).toBe(403);
  expect((await admin(a, "PATCH", `/helix/keys/${k.id}`, { cache: { enabled: false } }, k.key)).status).toBe(403);
});

test("a key-level similarity threshold of 0.99 turns a paraphrase's SEMANTIC_HIT into a MISS", async () => {
  const k = await createKeyWithId("zeta");
  await waitForEmbedder();
  const prompt = "How do I reset my password?";
  await ask(a, k.key, prompt);
  await expect.poll(async () => (await ask(a, k.key, prompt)).cache, { timeout: 5000 }).toBe("HIT");
  const paraphrase = "What are the steps to reset my password?";
  // A semantic hit stores nothing, so the same paraphrase asked again is a semantic question again.
  expect((await ask(a, k.key, paraphrase)).cache).toBe("SEMANTIC_HIT");
  expect((await ask(a, k.key, paraphrase)).cache).toBe("SEMANTIC_HIT");
  const strict = await admin(b, "PATCH", `/helix/keys/${k.id}`, { cache: { similarity_threshold: 0.99 } });
  expect(strict.json.cache).toEqual({ enabled: null, similarity_threshold: 0.99 });
  expect((await ask(a, k.key, paraphrase)).cache).toBe("MISS");
  // The exact cache is untouched by the threshold.
  expect((await ask(a, k.key, prompt)).cache).toBe("HIT");
});

test("Redis stopped mid-run: answers keep flowing, readiness says degraded, the cache recovers", async () => {
  const key = await createKey("gamma");
  const prompt = `outage ${Date.now()}`;
  await ask(a, key, prompt);
  await expect.poll(async () => (await ask(a, key, prompt)).cache, { timeout: 5000 }).toBe("HIT");

  await redis.kill();
  for (let i = 0; i < 5; i++) {
    const r = await ask(i % 2 ? a : b, key, `${prompt} while down ${i}`);
    expect(r.text).toBe(`Echo: ${prompt} while down ${i}`);
  }
  const ready = await fetch(`${a.url}/health/readiness`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { status: string }).status).toBe("degraded");

  await redis.start();
  const again = `${prompt} after`;
  await expect
    .poll(
      async () => {
        await ask(a, key, again);
        return (await ask(a, key, again)).cache;
      },
      { timeout: 20_000, intervals: [500] },
    )
    .toBe("HIT");
});
