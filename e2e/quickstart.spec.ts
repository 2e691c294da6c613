// The newcomer's path: no database, no Redis, no MASTER_KEY, no provider key — only
// OPENAI_BASE_URL. The caller's own key is forwarded to the provider that has none configured.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, type FakeUpstream } from "./support/fixtures";

let fake: FakeUpstream;
let helix: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ OPENAI_BASE_URL: `${fake.url}/v1` });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

test("a chat completion works with only OPENAI_BASE_URL set", async () => {
  expect((await fetch(`${helix.url}/health`)).status).toBe(200);
  const client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-my-own-openai-key", maxRetries: 0 });
  const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "first run" }] });
  expect(r.choices[0].message.content).toBe("Echo: first run");
  expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-my-own-openai-key");
  const ready = await fetch(`${helix.url}/health/readiness`);
  expect(((await ready.json()) as { checks: { database: { kind: string } } }).checks.database.kind).toBe("pglite");
});
