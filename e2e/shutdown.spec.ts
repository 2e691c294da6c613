// Graceful shutdown: SIGTERM lets an in-flight stream finish, then writes every buffered request
// log before the process exits — nothing is lost even when the flush timer never fired.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";

let fake: FakeUpstream;
let db: TestDatabase;
let helix: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: db.url, HELIX_LOG_FLUSH_MS: "600000" });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
  await db?.drop();
});

test("SIGTERM drains an in-flight stream and flushes all request logs", async () => {
  const client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local", maxRetries: 0 });
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `n${i}` }] });
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini",
    stream: true,
    messages: [{ role: "user", content: "[[words:40]] [[chunk-delay:50]] slow" }],
  });
  const count = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM request_logs"))[0].n;
  expect(await count()).toBe(0); // the timer never fired: everything is still buffered

  const stopped = helix.stop();
  // While draining: not ready, and new work is refused with a retryable 503.
  await expect.poll(async () => (await fetch(`${helix.url}/health/readiness`)).status, { timeout: 1500, intervals: [50] }).toBe(503);
  const refused = await fetch(`${helix.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-local", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "too late" }] }),
  });
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  let text = "";
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta.content ?? "";
  expect(text.split(" ")).toHaveLength(40);
  await stopped;
  expect(await count()).toBe(4);
  expect(helix.output()).toContain("request logs flushed");
});
