// Production mode: PostgreSQL and a Redis of this test's own (so it can be stopped), two Helix
// instances. Cached answers are shared by a team across instances and never across teams; with
// Redis gone, answers keep flowing and the cache comes back by itself.
import { spawn, type ChildProcess } from "node:child_process";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { freePort, startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-cache-e2e";
let fake: FakeUpstream;
let db: TestDatabase;
let redisPort: number;
let redis: ChildProcess | undefined;
let a: HelixServer;
let b: HelixServer;

async function startRedis(): Promise<void> {
  redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await expect
    .poll(
      () =>
        new Promise<boolean>((resolve) => {
          const p = spawn("redis-cli", ["-p", String(redisPort), "ping"], { stdio: "ignore" });
          p.on("exit", (code) => resolve(code === 0));
        }),
      { timeout: 10_000 },
    )
    .toBe(true);
}

async function stopRedis(): Promise<void> {
  const r = redis;
  redis = undefined;
  if (!r || r.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    r.once("exit", () => resolve());
    r.kill("SIGKILL");
  });
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  redisPort = await freePort();
  await startRedis();
  const env = {
    ...upstreamEnv(fake),
    HELIX_CONFIG: writeConfig(fake),
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    MASTER_KEY: MASTER,
    HELIX_EMBEDDINGS_OFFLINE: "true",
  };
  [a, b] = await Promise.all([startHelix(env), startHelix(env)]);
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await stopRedis();
  await fake?.close();
  await db?.drop();
});

async function createKey(team: string): Promise<string> {
  const r = await fetch(`${a.url}/helix/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `${team}-key`, team }),
  });
  return ((await r.json()) as { key: string }).key;
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
  await expect
    .poll(async () => ((await (await fetch(`${a.url}/health/readiness`)).json()) as { checks: { embedder: { ready: boolean } } }).checks.embedder.ready, {
      timeout: 30_000,
    })
    .toBe(true);
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

test("Redis stopped mid-run: answers keep flowing, readiness says degraded, the cache recovers", async () => {
  const key = await createKey("gamma");
  const prompt = `outage ${Date.now()}`;
  await ask(a, key, prompt);
  await expect.poll(async () => (await ask(a, key, prompt)).cache, { timeout: 5000 }).toBe("HIT");

  await stopRedis();
  for (let i = 0; i < 5; i++) {
    const r = await ask(i % 2 ? a : b, key, `${prompt} while down ${i}`);
    expect(r.text).toBe(`Echo: ${prompt} while down ${i}`);
  }
  const ready = await fetch(`${a.url}/health/readiness`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { status: string }).status).toBe("degraded");

  await startRedis();
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
