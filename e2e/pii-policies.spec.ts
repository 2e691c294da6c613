// PII policies per team and key, end to end: two Helix instances on one PostgreSQL and one Redis;
// policies are changed through instance A and applied by instance B from the very next request.
// The config redacts EMAIL_ADDRESS; a team policy blocks it for one team only; a key policy can
// turn protection off, but only with an explicit confirmation; deleting a policy restores the
// config's behaviour. Incidents name the policy that decided; /helix/stats counts them.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-pii-policies-e2e";
const EMAIL = "policy.canary@example-policy.org";
// A Redis database of this file's own, emptied first.
const REDIS_URL = `${TEST_REDIS_URL.replace(/\/\d*$/, "")}/11`;
const RUN = Date.now().toString(36);

let fake: FakeUpstream;
let db: TestDatabase;
let a: HelixServer;
let b: HelixServer;
let red: { id: string; key: string };
let red2: { id: string; key: string };
let blue: { id: string; key: string };
let redTeamId: string;

function admin(method: string, path: string, body?: unknown, server = a) {
  return adminRequest(server.url, MASTER, method, path, body);
}

async function createKey(name: string, team: string) {
  const r = await admin("POST", "/helix/keys", { name, team });
  expect(r.status).toBe(201);
  return { id: r.json.id as string, key: r.json.key as string };
}

/** Sends the email through instance B; returns what the provider saw of it, or the error. */
async function send(key: string, tag: string) {
  const client = new OpenAI({ baseURL: b.baseURL, apiKey: key, maxRetries: 0 });
  const before = fake.requests.length;
  const content = `Please write to ${EMAIL} (${tag} ${RUN})`;
  try {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }, { headers: { "x-helix-cache": "bypass" } });
  } catch (err) {
    expect(fake.requests.length).toBe(before); // a refused request never reaches the provider
    return { error: err as InstanceType<typeof OpenAI.APIError> };
  }
  return { upstream: JSON.stringify(fake.requests.slice(before).map((r) => r.body)) };
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  spawnSync("redis-cli", ["-u", REDIS_URL, "flushdb"]);
  const config = writeConfig(fake);
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace(
      "helix_settings:\n",
      `helix_settings:
  pii_protection:
    entities: [EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD]
    entity_actions: {EMAIL_ADDRESS: redact}
`,
    ),
  );
  const env = { ...upstreamEnv(fake), HELIX_CONFIG: config, DATABASE_URL: db.url, REDIS_URL, MASTER_KEY: MASTER, HELIX_EMBEDDINGS_OFFLINE: "true" };
  [a, b] = await Promise.all([startHelix(env), startHelix(env)]);
  [red, red2, blue] = [await createKey("red-1", "red"), await createKey("red-2", "red"), await createKey("blue-1", "blue")];
  const teams = await admin("GET", "/helix/teams");
  redTeamId = (teams.json.data as { id: string; name: string }[]).find((t) => t.name === "red")!.id;
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.close();
  await db?.drop();
});

test("a team policy overrides the global one for that team only; deleting it restores the config", async () => {
  // Global config: redacted for everyone (and the keys' lookups are now cached on B).
  for (const k of [red, blue]) {
    const r = await send(k.key, "global");
    expect(r.upstream).toContain("<EMAIL_ADDRESS>");
    expect(r.upstream).not.toContain(EMAIL);
  }

  const put = await admin("PUT", `/helix/pii/policies/team/${redTeamId}`, { entity_actions: { EMAIL_ADDRESS: "block" } });
  expect(put.status).toBe(201);
  expect(put.json).toMatchObject({ scope: "team", scope_id: redTeamId, name: `team:${redTeamId}`, version: 1, updated_by: "master" });

  // Instance B sees it on the very next request (its cached key lookup was dropped through Redis).
  const blocked = await send(red.key, "team-block");
  expect(blocked.error).toBeInstanceOf(OpenAI.BadRequestError);
  expect(blocked.error?.code).toBe("pii_blocked");
  expect(blocked.error?.message).toContain("EMAIL_ADDRESS");
  expect(blocked.error?.message).not.toContain(EMAIL);
  expect((await send(red2.key, "team-block-2")).error?.code).toBe("pii_blocked");
  const other = await send(blue.key, "other-team");
  expect(other.upstream).toContain("<EMAIL_ADDRESS>");

  const list = await admin("GET", "/helix/pii/policies");
  expect(list.json.data).toEqual([expect.objectContaining({ scope: "team", scope_id: redTeamId, settings: { entity_actions: { EMAIL_ADDRESS: "block" } } })]);

  const del = await admin("DELETE", `/helix/pii/policies/team/${redTeamId}`);
  expect(del).toMatchObject({ status: 200, json: { deleted: true } });
  expect((await send(red.key, "after-delete")).upstream).toContain("<EMAIL_ADDRESS>");
  expect((await admin("DELETE", `/helix/pii/policies/team/${redTeamId}`)).status).toBe(404);
});

test("a key may turn PII protection off only with an explicit confirmation; the team's policy still binds its other keys", async () => {
  expect((await admin("PUT", `/helix/pii/policies/team/${redTeamId}`, { entity_actions: { EMAIL_ADDRESS: "block" } })).status).toBe(201);
  const refused = await admin("PUT", `/helix/pii/policies/key/${red2.id}`, { enabled: false });
  expect(refused.status).toBe(400);
  expect(refused.json.error).toMatchObject({ code: "pii_disable_unconfirmed", param: "enabled" });
  expect((await send(red2.key, "unconfirmed")).error?.code).toBe("pii_blocked");

  expect((await admin("PUT", `/helix/pii/policies/key/${red2.id}?confirm_disable=true`, { enabled: false })).status).toBe(201);
  expect((await send(red2.key, "key-off")).upstream).toContain(EMAIL);
  expect((await send(red.key, "key-off-other")).error?.code).toBe("pii_blocked");
  expect(a.output() + b.output()).toContain("PII policy weakens protection");

  // A key-level redact over the team's block: the most specific wins.
  expect((await admin("PUT", `/helix/pii/policies/key/${red2.id}`, { entity_actions: { EMAIL_ADDRESS: "hash" } })).json.version).toBe(2);
  const hashed = await send(red2.key, "key-hash");
  expect(hashed.upstream).not.toContain(EMAIL);
  expect(hashed.upstream).not.toContain("<EMAIL_ADDRESS>");
});

test("validation: unknown scopes, fields, targets and a catastrophic custom pattern are refused, naming what is wrong", async () => {
  expect((await admin("PUT", "/helix/pii/policies/tenant/x", {})).json.error).toMatchObject({ param: "scope" });
  expect((await admin("PUT", `/helix/pii/policies/team/${redTeamId}`, { strict_mode: false })).status).toBe(400);
  expect((await admin("PUT", "/helix/pii/policies/team/no-such-team", { action: "hash" })).status).toBe(404);
  const slow = await admin("PUT", `/helix/pii/policies/team/${redTeamId}`, {
    custom_recognizers: [{ name: "redos", pattern: "(a+)+$", entity_type: "THING", confidence_level: 0.9 }],
  });
  expect(slow.status).toBe(400);
  expect(slow.json.error).toMatchObject({ param: "custom_recognizers[0].pattern", code: "invalid_custom_recognizer" });
  expect(slow.json.error.message).toContain('("redos")');
  // A virtual key is not an admin.
  const r = await fetch(`${a.url}/helix/pii/policies`, { headers: { authorization: `Bearer ${blue.key}` } });
  expect(r.status).toBe(403);
});

test("/helix/pii/test previews a scope's effective policy with spans and scores", async () => {
  const text = `Write to ${EMAIL} today`;
  const global = await admin("POST", "/helix/pii/test", { text });
  expect(global.status).toBe(200);
  expect(global.json).toMatchObject({ policy: "config", enabled: true, text: "Write to <EMAIL_ADDRESS> today", entities: ["EMAIL_ADDRESS"], blocked: [] });
  expect(global.json.findings).toEqual([expect.objectContaining({ entity_type: "EMAIL_ADDRESS", start: 9, end: 9 + EMAIL.length, action: "redact" })]);
  expect(global.json.findings[0].score).toBeGreaterThan(0.4);

  const team = await admin("POST", "/helix/pii/test", { text, scope: { team: redTeamId } });
  expect(team.json).toMatchObject({ policy: `team:${redTeamId}`, blocked: ["EMAIL_ADDRESS"] });
  // A key's preview includes its team's policy under its own.
  const key = await admin("POST", "/helix/pii/test", { text, scope: { key: red2.id } });
  expect(key.json).toMatchObject({ policy: `key:${red2.id}`, blocked: [] });
  expect(key.json.findings[0].action).toBe("hash");
  expect((await admin("POST", "/helix/pii/test", { text, scope: { team: "nope" } })).status).toBe(404);
});

test("incidents name the deciding policy, and /helix/stats counts detections by type and action", async () => {
  await expect
    .poll(async () => (await db.query<{ policy: string }>("SELECT DISTINCT policy FROM pii_incidents")).map((r) => r.policy).sort(), { timeout: 10_000 })
    .toEqual(["config", `key:${red2.id}`, `team:${redTeamId}`].sort());
  const blocks = await db.query<{ policy: string; action: string }>("SELECT DISTINCT policy, action FROM pii_incidents WHERE action = 'block'");
  expect(blocks).toEqual([{ policy: `team:${redTeamId}`, action: "block" }]);
  expect(JSON.stringify(await db.query("SELECT * FROM pii_incidents"))).not.toContain(EMAIL);

  const stats = await admin("GET", "/helix/stats", undefined, b);
  expect(stats.status).toBe(200);
  expect(stats.json.pii.by_entity_type.EMAIL_ADDRESS.total).toBeGreaterThan(0);
  expect(stats.json.pii.by_entity_type.EMAIL_ADDRESS.last_24h).toBe(stats.json.pii.by_entity_type.EMAIL_ADDRESS.total);
  expect(stats.json.pii.by_action.block.total).toBeGreaterThanOrEqual(4);
  expect(stats.json.pii.by_action.redact.total).toBeGreaterThanOrEqual(4);
  expect(stats.json.pii.detections.total).toBe(
    (await db.query<{ n: number }>("SELECT sum(count)::int AS n FROM pii_incidents"))[0].n,
  );
});

test("a scanner fault blocks the request through the SDK: nothing reaches the provider", async () => {
  // Fault injection: a stored policy the scanner cannot use (written behind the API's validation).
  const broken = await createKey("broken-1", `broken-${RUN}`);
  const teams = await admin("GET", "/helix/teams");
  const teamId = (teams.json.data as { id: string; name: string }[]).find((t) => t.name === `broken-${RUN}`)!.id;
  await db.query(
    `INSERT INTO pii_policies (id, scope_type, scope_id, settings, version, updated_at, updated_by) VALUES ($1, 'team', $2, $3, 1, now(), 'test')`,
    [`broken-${RUN}`, teamId, JSON.stringify({ entity_actions: { EMAIL_ADDRESS: "shred" } })],
  );
  const r = await send(broken.key, "fault");
  expect(r.error?.status).toBe(503);
  expect(r.error?.code).toBe("pii_scan_failed");
  expect(r.upstream).toBeUndefined();
});
