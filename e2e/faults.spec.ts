// Faults of the stores and of Helix itself, against real processes the test owns: a Redis that is
// not there at start, then started, then killed; a PostgreSQL killed mid-run and started again,
// also across a graceful shutdown (the request logs spooled to disk and written at the next
// start); and a SIGTERM under continuous traffic. Nothing lost, no crash, clear errors to clients.
// Redis stopped mid-run with the caches shared by two instances: cache-redis.spec.ts. SIGTERM
// draining one stream with every log buffered: shutdown.spec.ts. Upstream faults and client
// disconnects: faults-upstream.spec.ts.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";
import { privatePostgres, privateRedis, type PrivatePostgres, type PrivateRedis } from "./support/private-services";

const MASTER = "sk-master-faults-e2e";
const ID = "x-helix-request-id";
const MODEL = "gpt-4o-mini";

let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startFakeUpstream();
});
test.afterAll(async () => {
  await fake?.close();
});

/** A tag for prompts without digit runs (PII protection would redact a long number as a phone). */
const tag = () => Math.random().toString(36).replace(/[^a-z]/g, "").slice(0, 8);

const sdk = (server: HelixServer, apiKey = MASTER, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL: server.baseURL, apiKey, maxRetries: 0, ...extra });

interface Answer {
  id: string;
  text: string;
  cache: string | null;
}

/** One chat request; the answer must be whole (a stream's text is checked by its word count). */
async function chat(server: HelixServer, content: string, opts: { key?: string; stream?: boolean } = {}): Promise<Answer> {
  const client = sdk(server, opts.key);
  const messages = [{ role: "user" as const, content }];
  if (opts.stream) {
    const { data, response } = await client.chat.completions.create({ model: MODEL, messages, stream: true }).withResponse();
    let text = "";
    for await (const chunk of data) for (const c of chunk.choices) text += c.delta.content ?? "";
    return { id: response.headers.get(ID)!, text, cache: response.headers.get("x-helix-cache") };
  }
  const { data, response } = await client.chat.completions.create({ model: MODEL, messages }).withResponse();
  return { id: response.headers.get(ID)!, text: data.choices[0].message.content ?? "", cache: response.headers.get("x-helix-cache") };
}

async function readiness(server: HelixServer): Promise<{ status: number; body: { status: string; checks: Record<string, { status: string; error?: string }> } }> {
  const r = await fetch(`${server.url}/health/readiness`);
  return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, { status: string; error?: string }> } };
}

async function createKey(server: HelixServer, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const r = await adminRequest(server.url, MASTER, "POST", "/helix/keys", { name: `faults-${Math.random().toString(36).slice(2, 8)}`, ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; key: string };
}

type Query = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
const countOf = async (query: Query, ids: string[]) =>
  Number((await query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs WHERE id = ANY($1)", [ids]))[0].n);

test.describe("Redis", () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let helix: HelixServer;
  test.afterEach(async () => {
    await helix?.stop();
    await redis?.kill();
    await db?.drop();
  });

  test("unavailable at start, started, then killed: answers never stop; the cache and rpm limits work while it is up and fail open while it is down", async () => {
    test.setTimeout(90_000);
    db = await createTestDatabase();
    redis = await privateRedis(); // its port is reserved, nothing listens yet
    helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: db.url, REDIS_URL: redis.url, MASTER_KEY: MASTER });
    const ids: string[] = [];
    const ask = async (content: string, key?: string) => {
      const a = await chat(helix, content, { key });
      ids.push(a.id);
      expect(a.text).toBe(`Echo: ${content}`);
      return a;
    };

    // 1. Never reachable: requests are answered, uncached; readiness stays 200 and says why.
    // (In its first 3 s the check waits for a first connection and may only say it timed out.)
    let ready = await readiness(helix);
    await expect
      .poll(async () => (ready = await readiness(helix)).body.checks.cache.error ?? "", { timeout: 15_000, intervals: [500] })
      .toContain(`Redis at redis://127.0.0.1:${redis.port} is unavailable`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("degraded");
    expect(ready.body.checks.cache.status).toBe("error");
    const prompt = `redis outage ${tag()}`;
    expect((await ask(prompt)).cache).toBe("MISS");
    expect((await ask(prompt)).cache).toBe("MISS");
    // README: "Budgets and rate limits fail open while Redis is unreachable".
    const limited = await createKey(helix, { rpm: 2 });
    for (let i = 0; i < 4; i++) await ask(`rpm while down ${i} ${tag()}`, limited.key);

    // 2. Redis starts: picked up by the background reconnect, no restart.
    await redis.start();
    await expect.poll(async () => (await readiness(helix)).body.status, { timeout: 20_000, intervals: [250] }).toBe("ok");
    const cached = `redis back ${tag()}`;
    await ask(cached);
    await expect.poll(async () => (await ask(cached)).cache, { timeout: 10_000 }).toBe("HIT");
    // The limit holds now (the requests let through while it was down were not counted).
    await ask(`rpm up 1 ${tag()}`, limited.key);
    await ask(`rpm up 2 ${tag()}`, limited.key);
    const refused = (await chat(helix, `rpm up 3 ${tag()}`, { key: limited.key }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.error).toMatchObject({ code: "rate_limit_exceeded" });
    expect(Number(refused.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    ids.push(refused.headers!.get(ID)!);

    // 3. Killed mid-run: no 5xx, no crash; the exhausted limit is not enforced (fail open).
    await redis.kill();
    for (let i = 0; i < 3; i++) await ask(`rpm after kill ${i} ${tag()}`, limited.key);
    expect((await ask(cached)).cache).not.toBe("HIT");
    const after = await readiness(helix);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("degraded");
    expect((await fetch(`${helix.url}/health`)).status).toBe(200);

    // Every request (the 429 included) has its log row.
    await expect.poll(() => countOf(db.query, ids), { timeout: 15_000 }).toBe(ids.length);
    console.log(`redis: ${ids.length} requests, ${ids.length} rows; 4 over an rpm of 2 admitted while down, 429 on the 3rd while up, 3 admitted after the kill`);
  });
});

test.describe("PostgreSQL", () => {
  let pgc: PrivatePostgres;
  let helix: HelixServer | undefined;
  test.afterEach(async () => {
    await helix?.stop();
    await pgc?.remove();
  });

  test("killed mid-run and back: every request answered, every log row written after recovery; killed across a graceful shutdown: the rows are spooled and written at the next start", async () => {
    test.setTimeout(150_000);
    pgc = await privatePostgres();
    const dataDir = mkdtempSync(path.join(tmpdir(), "helix-faults-data-"));
    const env = { ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: pgc.url, MASTER_KEY: MASTER, HELIX_DATA_DIR: dataDir };
    helix = await startHelix(env);
    const server = helix;
    const ids: string[] = [];
    const ask = async (content: string, opts: { key?: string; stream?: boolean } = {}) => {
      const a = await chat(server, content, opts);
      ids.push(a.id);
      const words = /\[\[words:(\d+)\]\]/.exec(content);
      if (words) expect(a.text.split(" ")).toHaveLength(Number(words[1]));
      else expect(a.text).toBe(`Echo: ${content}`);
      return a;
    };

    const used = await createKey(server); // looked up once below, so its record is cached
    const unused = await createKey(server); // never looked up before the outage
    for (let i = 0; i < 3; i++) await ask(`before ${i}`);
    await ask("before, virtual key", { key: used.key });
    await expect.poll(() => countOf(pgc.query, ids), { timeout: 15_000 }).toBe(ids.length);

    // Down: the master key and cached virtual keys are served; a key that needs a lookup gets a
    // retryable 503 naming the cause; readiness fails (this instance cannot check keys).
    await pgc.kill();
    const downAt = Date.now();
    for (let i = 0; i < 10; i++) await ask(`[[words:12]] down ${i}`, { stream: i % 2 === 0 });
    await ask("down, cached virtual key", { key: used.key });
    const noLookup = (await chat(server, "down, uncached key", { key: unused.key }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(noLookup).toBeInstanceOf(OpenAI.APIError);
    expect(noLookup.status).toBe(503);
    expect(noLookup.message).toContain("cannot check API keys");
    expect(noLookup.headers?.get("retry-after")).toBe("2");
    ids.push(noLookup.headers!.get(ID)!); // logged like any answered request
    const notReady = await readiness(server);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.database.status).toBe("error");
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // Back: the queued rows are written by the background retry, each exactly once.
    await pgc.start();
    const upAt = Date.now();
    await expect.poll(() => countOf(pgc.query, ids), { timeout: 60_000, intervals: [250] }).toBe(ids.length);
    const recoveredMs = Date.now() - upAt;
    const statuses = await pgc.query<{ status: number; n: string }>("SELECT status, count(*)::text AS n FROM request_logs WHERE id = ANY($1) GROUP BY status ORDER BY status", [ids]);
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([
      [200, ids.length - 1],
      [503, 1],
    ]);
    await expect.poll(async () => (await readiness(server)).status, { timeout: 15_000 }).toBe(200);
    console.log(`postgres: down ${upAt - downAt} ms with 12 requests (11 answered, 1 retryable 503); ${ids.length} rows written ${recoveredMs} ms after it came back`);

    // Down again, then SIGTERM: the rows the database cannot take are spooled to disk…
    await pgc.kill();
    const beforeShutdown = ids.length;
    for (let i = 0; i < 6; i++) await ask(`[[words:8]] spooled ${i}`, { stream: i % 2 === 1 });
    await server.stop();
    helix = undefined;
    expect(server.output()).toContain("spooled to");
    const spool = path.join(dataDir, "spool", "request-log.jsonl");
    const lines = readFileSync(spool, "utf8").trim().split("\n");
    expect(lines).toHaveLength(6);
    // …and written by the next start, once; the spool is then deleted.
    await pgc.start();
    helix = await startHelix(env);
    await expect.poll(() => countOf(pgc.query, ids), { timeout: 30_000 }).toBe(ids.length);
    await expect.poll(() => existsSync(spool) || existsSync(`${spool}.replaying`), { timeout: 10_000 }).toBe(false);
    expect(Number((await pgc.query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs"))[0].n)).toBe(ids.length);
    console.log(`postgres: ${ids.length - beforeShutdown} rows spooled at shutdown with the database down, all written at the next start; ${ids.length} rows in all`);
  });
});

test.describe("restart under traffic", () => {
  let db: TestDatabase;
  let helix: HelixServer | undefined;
  test.afterEach(async () => {
    await helix?.stop();
    await db?.drop();
  });

  test("SIGTERM under 8 concurrent clients: every request that got headers completes whole; then connection refused; the log has a row per answer", async () => {
    test.setTimeout(90_000);
    db = await createTestDatabase();
    const env = { ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: db.url, MASTER_KEY: MASTER };
    const server = await startHelix(env);
    helix = server;
    const answered: string[] = [];
    let shutdownRefusals = 0;
    let connectionErrors = 0;
    const broken: string[] = [];
    let exited = false;

    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        let headers = false;
        const client = sdk(server, MASTER, {
          fetch: async (url, init) => {
            const r = await fetch(url, init);
            headers = true;
            return r;
          },
        });
        const stream = (w + i) % 2 === 0;
        const tag = `w${w} i${i}`;
        try {
          if (stream) {
            const { data, response } = await client.chat.completions
              .create({ model: MODEL, stream: true, messages: [{ role: "user", content: `[[words:30]] [[chunk-delay:10]] ${tag}` }] })
              .withResponse();
            let text = "";
            for await (const chunk of data) for (const c of chunk.choices) text += c.delta.content ?? "";
            if (text.split(" ").length !== 30) broken.push(`${tag}: stream of ${text.split(" ").length} words`);
            answered.push(response.headers.get(ID)!);
          } else {
            const { data, response } = await client.chat.completions
              .create({ model: MODEL, messages: [{ role: "user", content: `[[delay:100]] ${tag}` }] })
              .withResponse();
            if (data.choices[0].message.content !== `Echo: ${tag}`) broken.push(`${tag}: ${data.choices[0].message.content}`);
            answered.push(response.headers.get(ID)!);
          }
        } catch (err) {
          if (err instanceof OpenAI.APIConnectionError && !headers) {
            // Nothing was answered: the server was gone (or going) before the request was read.
            connectionErrors++;
            if (exited) return;
          } else if (err instanceof OpenAI.APIError && err.status === 503 && /shutting down/.test(err.message)) {
            shutdownRefusals++; // a whole, retryable answer while draining
          } else {
            broken.push(`${tag}: ${headers ? "after headers: " : ""}${String(err)}`);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        if (i > 2000) throw new Error("worker never saw the server go away");
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await expect.poll(() => answered.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
    const atSigterm = answered.length;
    await server.stop();
    exited = true;
    helix = undefined;
    await Promise.all(workers);

    expect(broken).toEqual([]);
    expect(server.output()).toContain("request logs flushed");
    // After the exit: refused at the socket, not a half answer.
    const late = await fetch(`${server.baseURL}/chat/completions`, { method: "POST" }).catch((e: unknown) => e);
    expect((late as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    // Flushed before the exit: every answer has its row already, and no other row exists.
    const total = async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs"))[0].n);
    expect(await countOf(db.query, answered)).toBe(answered.length);
    expect(await total()).toBe(answered.length);
    // A restart on the same database adds nothing and carries on.
    helix = await startHelix(env);
    const again = await chat(helix, "after restart");
    expect(again.text).toBe("Echo: after restart");
    await expect.poll(total, { timeout: 15_000 }).toBe(answered.length + 1);
    console.log(
      `restart: ${answered.length} answered (${answered.length - atSigterm} of them completed after SIGTERM), ${shutdownRefusals} refused with 503 while draining, ${connectionErrors} connection errors without headers; ${answered.length} rows`,
    );
  });
});
