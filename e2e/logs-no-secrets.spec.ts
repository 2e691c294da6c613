// With HELIX_DEBUG=true Helix logs detail (a debug line per finished request, with its request id),
// but never a credential or personal data: canaries in the Authorization header and in the prompt
// must not appear anywhere in its stdout or stderr.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from "./support/fixtures";

const MASTER = "sk-master-CANARYmasterSecret0042";
const WRONG_KEY = "sk-CANARYwrongKeySecret0042";
const EMAIL = "canary.person.0042@example.org";
let fake: FakeUpstream;
let helix: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  const file = path.join(mkdtempSync(path.join(tmpdir(), "helix-logs-e2e-")), "helix.yaml");
  writeFileSync(
    file,
    `helix_settings:
  general: {store_prompts: true}
  pii_protection: {enabled: true, entities: [EMAIL_ADDRESS], action: redact}
model_list:
  - model_name: gpt-4o-mini
    provider: openai
  - model_name: dead-model
    provider: openai-compatible
    api_base: http://127.0.0.1:9/v1
`,
  );
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: file, MASTER_KEY: MASTER, HELIX_DEBUG: "true" });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

test("debug logs carry request ids and never the canary secret or email", async () => {
  const sdk = new OpenAI({ baseURL: helix.baseURL, apiKey: MASTER, maxRetries: 0 });
  const { response } = await sdk.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Please write to ${EMAIL} today` }] })
    .withResponse();
  const requestId = response.headers.get("x-helix-request-id")!;
  const stream = await sdk.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `stream for ${EMAIL}` }] });
  for await (const chunk of stream) void chunk;
  // Failures log more: an unreachable upstream (5xx), a wrong key (401).
  await sdk.chat.completions.create({ model: "dead-model", messages: [{ role: "user", content: `dead ${EMAIL}` }] }).catch(() => {});
  const wrong = new OpenAI({ baseURL: helix.baseURL, apiKey: WRONG_KEY, maxRetries: 0 });
  await wrong.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `x ${EMAIL}` }] }).catch(() => {});
  await fetch(`${helix.url}/helix/config`, { headers: { authorization: `Bearer ${WRONG_KEY}` } });

  // The debug line of the first request, with its id, shows HELIX_DEBUG took effect.
  await expect.poll(() => helix.output().includes(`"requestId":"${requestId}"`), { timeout: 10_000 }).toBe(true);
  const lines = helix
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const finished = lines.filter((l) => l.msg === "request finished");
  expect(finished.length).toBeGreaterThanOrEqual(3);
  expect(finished.every((l) => typeof l.requestId === "string" && l.level === 20)).toBe(true);
  expect(finished.find((l) => l.requestId === requestId)).toMatchObject({ model: "gpt-4o-mini", status: 200 });

  // A line whose call passes no id still gets the request's (the request scope): the reload's.
  const reload = await fetch(`${helix.url}/helix/reload-config`, { method: "POST", headers: { authorization: `Bearer ${MASTER}` } });
  expect(reload.status).toBe(200);
  const reloadId = reload.headers.get("x-helix-request-id")!;
  await expect.poll(() => helix.output().includes(`"requestId":"${reloadId}"`), { timeout: 10_000 }).toBe(true);
  const reloaded = helix
    .output()
    .split("\n")
    .filter((l) => l.includes(reloadId))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(reloaded).toEqual([expect.objectContaining({ msg: "config reloaded", requestId: reloadId })]);

  const out = helix.output();
  expect(out).not.toContain("CANARY");
  expect(out).not.toContain(EMAIL);
  expect(out).not.toContain("canary.person");
});
