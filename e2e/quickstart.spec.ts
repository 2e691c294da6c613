// The newcomer's path: no database, no Redis, no MASTER_KEY, no provider key — only
// OPENAI_BASE_URL. The caller's own key is forwarded to the provider that has none configured.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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

test("a bad config stops the server at start with the file, line and column", async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "helix-bad-")), "helix.yaml");
  writeFileSync(file, "helix_settings:\n  gateway:\n    num_retrys: 2\n");
  const err = await startHelix({ HELIX_CONFIG: file }).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain("helix exited with 1");
  expect((err as Error).message).toContain(`${file}:3:5 helix_settings.gateway.num_retrys: unknown key "num_retrys"; did you mean "num_retries"?`);
});

test("a secret left at its template placeholder stops the server at start, naming the variable", async () => {
  // k8s/10-secret.yaml applied as is. The logger reads the same refused environment: the exit
  // must still happen (the server used to stay up, listening but never started).
  const err = await startHelix({ MASTER_KEY: "sk-helix-REPLACE_ME" }).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain("helix exited with 1");
  expect((err as Error).message).toContain("Helix cannot start:");
  expect((err as Error).message).toMatch(/MASTER_KEY: still the template placeholder/);
});

test("embedded mode keeps its data across a restart", async () => {
  // Two cold starts of the embedded database (each up to ~25 s on a loaded 2-core machine).
  test.setTimeout(150_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "helix-restart-"));
  const env = { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: "sk-fake", MASTER_KEY: "sk-master-restart", HELIX_DATA_DIR: dataDir };
  const first = await startHelix(env);
  const created = await fetch(`${first.url}/helix/keys`, {
    method: "POST",
    headers: { authorization: "Bearer sk-master-restart", "content-type": "application/json" },
    body: JSON.stringify({ name: "survives" }),
  });
  const { key } = (await created.json()) as { key: string };
  await first.stop();

  const second = await startHelix(env);
  try {
    const client = new OpenAI({ baseURL: second.baseURL, apiKey: key, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "after restart" }] });
    expect(r.choices[0].message.content).toBe("Echo: after restart");
    const listed = await fetch(`${second.url}/helix/keys`, { headers: { authorization: "Bearer sk-master-restart" } });
    expect(((await listed.json()) as { data: Array<{ name: string }> }).data.map((k) => k.name)).toContain("survives");
  } finally {
    await second.stop();
  }
});
