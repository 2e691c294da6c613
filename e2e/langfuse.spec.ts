// Langfuse tracing end to end: a Helix with LANGFUSE_* pointing at a local fake ingestion endpoint
// sends one trace + generation per request with the model, usage and cost the client saw, and no
// prompt (store_prompts is off); a Helix whose Langfuse host hangs (accepts, never answers)
// answers as fast and as well.
import { writeFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from "./support/fixtures";
import { startFakeLangfuse, type FakeLangfuse } from "../test/fake-langfuse/server";

const MASTER = "sk-master-langfuse-e2e";
let fake: FakeUpstream;
let langfuse: FakeLangfuse;
let traced: HelixServer;
let dead: HelixServer;
let hanging: Server;
const held: Socket[] = [];

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  langfuse = await startFakeLangfuse("pk-lf-e2e", "sk-lf-e2e");
  // Worse than a refused connection: the SDK's export waits for its timeout (5 s) each time.
  hanging = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  const hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), "helix-langfuse-e2e-")), "helix.yaml");
  writeFileSync(file, "helix_settings:\n  general: {store_prompts: false}\nmodel_list:\n  - model_name: gpt-4o-mini\n    provider: openai\n");
  const base = { ...upstreamEnv(fake), HELIX_CONFIG: file, MASTER_KEY: MASTER, LANGFUSE_PUBLIC_KEY: "pk-lf-e2e", LANGFUSE_SECRET_KEY: "sk-lf-e2e" };
  [traced, dead] = await Promise.all([startHelix({ ...base, LANGFUSE_HOST: langfuse.url }), startHelix({ ...base, LANGFUSE_HOST: hangingUrl })]);
});

test.afterAll(async () => {
  await Promise.all([traced?.stop(), dead?.stop()]);
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => hanging?.close(resolve));
  await langfuse?.close();
  await fake?.close();
});

test("one trace per request with model, usage, cost and cache status; no prompt when store_prompts is off", async () => {
  const sdk = new OpenAI({ baseURL: traced.baseURL, apiKey: MASTER, maxRetries: 0 });
  const sent: { id: string; usage: OpenAI.CompletionUsage; cost: number; cache: string }[] = [];
  for (const content of [`first secret-ish prompt ${Date.now()}`, `second prompt ${Date.now()} [[words:20]]`]) {
    const { data, response } = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
    sent.push({ id: response.headers.get("x-helix-request-id")!, usage: data.usage!, cost: Number(response.headers.get("x-helix-cost-usd")), cache: response.headers.get("x-helix-cache")! });
  }
  await expect.poll(() => langfuse.events.filter((e) => e.type === "generation-create").length, { timeout: 15_000 }).toBe(2);
  expect(langfuse.unauthorized).toBe(0);
  for (const s of sent) {
    const trace = langfuse.events.find((e) => e.type === "trace-create" && e.body.id === s.id);
    const gen = langfuse.events.find((e) => e.type === "generation-create" && e.body.traceId === s.id);
    expect(trace?.body.metadata).toMatchObject({ request_id: s.id, cache_status: s.cache, status: 200 });
    expect(gen?.body).toMatchObject({
      model: "gpt-4o-mini",
      usageDetails: { input: s.usage.prompt_tokens, output: s.usage.completion_tokens, total: s.usage.total_tokens },
    });
    expect(gen?.body.costDetails.total).toBeCloseTo(s.cost, 9);
    expect(s.cost).toBeGreaterThan(0);
    expect(gen?.body.metadata.latency_ms).toBeGreaterThanOrEqual(0);
    expect(trace?.body.input).toBeUndefined();
    expect(gen?.body.input).toBeUndefined();
    expect(gen?.body.output).toBeUndefined();
  }
  expect(JSON.stringify(langfuse.events)).not.toContain("secret-ish");
});

test("a hanging Langfuse host neither fails nor slows requests", async () => {
  const sdk = new OpenAI({ baseURL: dead.baseURL, apiKey: MASTER, maxRetries: 0 });
  // The first request of a fresh server compiles routes: not what is measured.
  await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `warm up ${Date.now()}` }] });
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t = performance.now();
    const r = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `dead host ${i} ${Date.now()}` }] });
    times.push(performance.now() - t);
    expect(r.choices[0].message.content).toContain("Echo: dead host");
  }
  // Exports are now stuck on the hanging host in the background.
  await new Promise((r) => setTimeout(r, 1_500));
  expect(held.length).toBeGreaterThan(0);
  const t = performance.now();
  const after = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `after ${Date.now()}` }] });
  times.push(performance.now() - t);
  expect(after.choices[0].message.content).toContain("Echo: after");
  // Waiting on the export would cost its 5 s timeout; the fake upstream answers in milliseconds.
  expect(Math.max(...times)).toBeLessThan(2_000);
});
