// Production mode: real PostgreSQL and Redis, MASTER_KEY set, two Helix instances sharing them.
// Virtual keys, revocation across instances, and one request log row per request.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-e2e-secret";
let fake: FakeUpstream;
let db: TestDatabase;
let a: HelixServer;
let b: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  const env = {
    ...upstreamEnv(fake),
    HELIX_CONFIG: writeConfig(fake),
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    MASTER_KEY: MASTER,
  };
  // Started together: migrations must be safe when two instances boot on one empty database.
  [a, b] = await Promise.all([startHelix(env), startHelix(env)]);
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.close();
  await db?.drop();
});

function admin(server: HelixServer, method: string, path: string, body?: unknown, key = MASTER) {
  return adminRequest(server.url, key, method, path, body);
}

test("a wrong key is refused with 401; the master key works", async () => {
  const bad = new OpenAI({ baseURL: a.baseURL, apiKey: "sk-wrong", maxRetries: 0 });
  const err = await bad.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  const master = new OpenAI({ baseURL: a.baseURL, apiKey: MASTER, maxRetries: 0 });
  const ok = await master.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "as master" }] });
  expect(ok.choices[0].message.content).toBe("Echo: as master");
});

test("the admin API needs the master key", async () => {
  expect((await admin(a, "GET", "/helix/keys", undefined, "sk-wrong")).status).toBe(401);
  expect((await admin(a, "POST", "/helix/keys", { nope: 1 })).status).toBe(400);
});

test("virtual keys: created once, stored hashed, attributed, revoked across instances", async () => {
  const created = await admin(a, "POST", "/helix/keys", { name: "ci", user: "alice", team: "search", org: "acme", metadata: { env: "ci" } });
  expect(created.status).toBe(201);
  const key: string = created.json.key;
  expect(key).toMatch(/^sk-helix-/);

  // Never stored in clear.
  const rows = await db.query<{ key_hash: string }>("SELECT key_hash FROM api_keys WHERE id = $1", [created.json.id]);
  expect(rows[0].key_hash).not.toContain(key);
  const dump = JSON.stringify(await db.query("SELECT * FROM api_keys"));
  expect(dump).not.toContain(key);
  const listed = await admin(a, "GET", "/helix/keys");
  expect(JSON.stringify(listed.json)).not.toContain(key);
  expect(listed.json.data.some((k: { id: string }) => k.id === created.json.id)).toBe(true);

  const onA = new OpenAI({ baseURL: a.baseURL, apiKey: key, maxRetries: 0 });
  const onB = new OpenAI({ baseURL: b.baseURL, apiKey: key, maxRetries: 0 });
  const r = await onB.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "via b" }], user: "enduser-42" });
  expect(r.choices[0].message.content).toBe("Echo: via b");
  await onA.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "via a" }] });

  // Revoke on A: B refuses at once.
  expect((await admin(a, "DELETE", `/helix/keys/${created.json.id}`)).status).toBe(200);
  const err = await onB.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(err.message).toMatch(/revoked/);
  expect((await admin(a, "DELETE", "/helix/keys/does-not-exist")).status).toBe(404);

  // One log row per request, attributed to the key, its user/team/org and the end user.
  await expect
    .poll(async () => (await db.query("SELECT count(*)::int AS n FROM request_logs WHERE api_key_id = $1", [created.json.id]))[0].n, {
      timeout: 5000,
    })
    .toBe(2);
  const logs = await db.query<Record<string, unknown>>(
    "SELECT status, end_user, user_id, team_id, org_id, requested_model, served_model, provider, input_tokens, output_tokens, prompt FROM request_logs WHERE api_key_id = $1 ORDER BY created_at",
    [created.json.id],
  );
  expect(logs.map((l) => l.status)).toEqual([200, 200]);
  expect(logs[0]).toMatchObject({ end_user: "enduser-42", requested_model: "gpt-4o-mini", provider: "openai", prompt: null });
  expect(logs[0].user_id).toBeTruthy();
  expect(logs[0].team_id).toBeTruthy();
  expect(logs[0].org_id).toBeTruthy();
  expect(Number(logs[0].output_tokens)).toBeGreaterThan(0);
});

test("a key limited to some models gets 403 for others, and no admin rights", async () => {
  const created = await admin(a, "POST", "/helix/keys", { name: "limited", models: ["gpt-4o-mini"] });
  expect((await admin(a, "GET", "/helix/keys", undefined, created.json.key)).status).toBe(403);
  expect((await admin(a, "POST", "/helix/keys", { name: "escalate" }, created.json.key)).status).toBe(403);
  const c = new OpenAI({ baseURL: a.baseURL, apiKey: created.json.key, maxRetries: 0 });
  await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ok" }] });
  const err = await c.chat.completions.create({ model: "claude-3-5-haiku-latest", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  expect((await c.models.list()).data.map((m) => m.id)).toEqual(["gpt-4o-mini"]);
  await expect(c.models.retrieve("claude-3-5-haiku-latest")).rejects.toMatchObject({ status: 404 });
});

test("readiness reports Postgres and Redis", async () => {
  const r = await fetch(`${a.url}/health/readiness`);
  expect(r.status).toBe(200);
  const body = (await r.json()) as { checks: { database: { kind: string }; cache: { kind: string } } };
  expect(body.checks.database.kind).toBe("postgres");
  expect(body.checks.cache.kind).toBe("redis");
});

test("every request is logged, streams included, with tokens", async () => {
  const c = new OpenAI({ baseURL: b.baseURL, apiKey: MASTER, maxRetries: 0 });
  const before = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM request_logs"))[0].n;
  // A prompt of its own: the machine's Redis keeps cached answers from earlier runs.
  const stream = await c.chat.completions.create({ model: "claude-3-5-haiku-latest", stream: true, messages: [{ role: "user", content: `count me ${Date.now()}` }] });
  let chunks = 0;
  for await (const chunk of stream) if (chunk) chunks++;
  expect(chunks).toBeGreaterThan(0);
  await c.chat.completions.create({ model: "totally-unknown", messages: [{ role: "user", content: "x" }] }).catch(() => {});
  await expect.poll(async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM request_logs"))[0].n, { timeout: 5000 }).toBe(before + 2);
  const last = await db.query<Record<string, unknown>>("SELECT status, stream, output_tokens, ttft_ms FROM request_logs ORDER BY created_at DESC LIMIT 2");
  const streamed = last.find((l) => l.stream === true)!;
  expect(streamed.status).toBe(200);
  expect(Number(streamed.output_tokens)).toBeGreaterThan(0);
  expect(streamed.ttft_ms).not.toBeNull();
  expect(last.find((l) => l.stream === false)!.status).toBe(404);
});

test("a client that disconnects mid-stream is logged as 499", async () => {
  const c = new OpenAI({ baseURL: a.baseURL, apiKey: MASTER, maxRetries: 0 });
  const controller = new AbortController();
  const stream = await c.chat.completions.create(
    { model: "gpt-4o-mini", stream: true, user: "leaver", messages: [{ role: "user", content: "[[words:100]] [[chunk-delay:30]] bye" }] },
    { signal: controller.signal },
  );
  let n = 0;
  await (async () => {
    for await (const chunk of stream) if (chunk && ++n === 3) controller.abort();
  })().catch(() => {});
  await expect
    .poll(async () => (await db.query<{ status: number; error_type: string }>("SELECT status, error_type FROM request_logs WHERE end_user = 'leaver'"))[0], {
      timeout: 5000,
    })
    .toEqual({ status: 499, error_type: "client_disconnected" });
});
