// The config admin API on a running Helix with a HELIX_CONFIG file: masked reads, validation with
// line numbers, reloads that apply a changed file and refuse a bad one while the old config keeps
// serving, and admin-only access (401 without credentials, 403 for a virtual key).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from "./support/fixtures";

const MASTER = "sk-master-config-e2e";
const HEADER_SECRET = "sk-live-9f8e7d6c5b4a3f2e1d0c9b8a";
const WEBHOOK_TOKEN = "XyZ123webhookSecretToken";
let fake: FakeUpstream;
let helix: HelixServer;
let file: string;

const config = (extraModel = "") => `helix_settings:
  general: {store_prompts: false}
  cost_optimization:
    alert_webhooks:
      - url: https://hooks.slack.com/services/T0001/B0001/${WEBHOOK_TOKEN}
        format: slack
model_list:
  - model_name: gpt-4o-mini
    provider: openai
  - model_name: partner-llm
    provider: openai-compatible
    api_base: ${fake.url}/v1
    headers:
      Authorization: Bearer ${HEADER_SECRET}
${extraModel}`;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  file = path.join(mkdtempSync(path.join(tmpdir(), "helix-config-e2e-")), "helix.yaml");
  writeFileSync(file, config());
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: file, MASTER_KEY: MASTER });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

async function call(method: string, p: string, opts: { key?: string | null; body?: string; type?: string } = {}) {
  const key = opts.key === undefined ? MASTER : opts.key;
  const r = await fetch(`${helix.url}${p}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(opts.type ? { "content-type": opts.type } : {}) },
    body: opts.body,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
  return { status: r.status, json: (await r.json()) as Record<string, any> };
}

const models = async () => ((await call("GET", "/v1/models")).json.data as { id: string }[]).map((m) => m.id).sort();

test("all three need admin credentials: 401 without, 403 with a virtual key", async () => {
  expect((await call("GET", "/helix/config", { key: null })).status).toBe(401);
  expect((await call("POST", "/helix/config/validate", { key: null, body: "model_list: []", type: "text/yaml" })).status).toBe(401);
  expect((await call("POST", "/helix/reload-config", { key: null })).status).toBe(401);
  const created = await adminRequest(helix.url, MASTER, "POST", "/helix/keys", { name: "not-admin" });
  expect(created.status).toBe(201);
  const vkey: string = created.json.key;
  expect((await call("GET", "/helix/config", { key: vkey })).status).toBe(403);
  expect((await call("POST", "/helix/config/validate", { key: vkey, body: "model_list: []", type: "text/yaml" })).status).toBe(403);
  expect((await call("POST", "/helix/reload-config", { key: vkey })).status).toBe(403);
});

test("GET /helix/config shows the effective config with its secrets masked", async () => {
  const r = await call("GET", "/helix/config");
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ object: "config", source: file, policy_version: 0, from_dashboard: [] });
  expect(r.json.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  const partner = r.json.config.model_list.find((m: { model_name: string }) => m.model_name === "partner-llm");
  expect(partner.headers.Authorization).toBe("Bearer ****9b8a");
  expect(r.json.config.helix_settings.cost_optimization.alert_webhooks[0].url).toBe("https://hooks.slack.com/****");
  const text = JSON.stringify(r.json);
  expect(text).not.toContain(HEADER_SECRET);
  expect(text).not.toContain(WEBHOOK_TOKEN);
});

test("POST /helix/config/validate answers errors with line numbers, and valid for a good document", async () => {
  const bad = await call("POST", "/helix/config/validate", {
    type: "text/yaml",
    body: "helix_settings:\n  gateway:\n    num_retries: -1\nmodel_list:\n  - model_name: x\n    provider: openaai\n",
  });
  expect(bad.status).toBe(200);
  expect(bad.json.valid).toBe(false);
  expect(bad.json.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: "helix_settings.gateway.num_retries", line: 3 }),
      expect.objectContaining({ path: "model_list[0].provider", line: 6 }),
    ]),
  );
  const good = await call("POST", "/helix/config/validate", { type: "application/yaml", body: config() });
  expect(good).toMatchObject({ status: 200, json: { valid: true, errors: [] } });
  const json = await call("POST", "/helix/config/validate", { type: "application/json", body: JSON.stringify({ model_list: [{ model_name: "a", provider: "openai" }] }) });
  expect(json.json.valid).toBe(true);
  expect((await call("POST", "/helix/config/validate", { type: "application/json", body: "{oops" })).status).toBe(400);
});

test("POST /helix/reload-config applies a changed file, and refuses a bad one while the old config keeps serving", async () => {
  const sdk = new OpenAI({ baseURL: helix.baseURL, apiKey: MASTER, maxRetries: 0 });
  expect(await models()).not.toContain("added-after-start");
  const before = (await call("GET", "/helix/config")).json.fingerprint as string;

  writeFileSync(file, config("  - model_name: added-after-start\n    provider: openai\n    model: gpt-4o-mini\n"));
  const ok = await call("POST", "/helix/reload-config");
  expect(ok.status).toBe(200);
  expect(ok.json).toMatchObject({ reloaded: true, changed: true, previous_fingerprint: before });
  expect(await models()).toContain("added-after-start");
  const served = await sdk.chat.completions.create({ model: "added-after-start", messages: [{ role: "user", content: "new model" }] });
  expect(served.choices[0].message.content).toBe("Echo: new model");
  const applied = ok.json.fingerprint as string;
  expect(applied).not.toBe(before);
  const listed = await models();

  writeFileSync(file, "model_list:\n  - model_name: gpt-4o-mini\n    provider: nonexistent-provider\n");
  const bad = await call("POST", "/helix/reload-config");
  expect(bad.status).toBe(422);
  expect(bad.json).toMatchObject({ reloaded: false, fingerprint: applied, error: { code: "invalid_config" } });
  expect(bad.json.errors[0]).toMatchObject({ path: "model_list[0].provider", line: 3 });
  // The old config keeps serving.
  expect(await models()).toEqual(listed);
  expect((await call("GET", "/helix/config")).json.fingerprint).toBe(applied);
  const still = await sdk.chat.completions.create({ model: "added-after-start", messages: [{ role: "user", content: "still here" }] });
  expect(still.choices[0].message.content).toBe("Echo: still here");
});
