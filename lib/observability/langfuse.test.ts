// Langfuse traces against a real HTTP ingestion endpoint (test/fake-langfuse): one trace and one
// generation per request with model, usage, cost, cache status and ids; prompts only when the
// row carries them; off without keys; a dead host neither throws nor blocks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import type { RequestLogEntry } from "@/lib/store/request-log";
import { startFakeLangfuse, type FakeLangfuse } from "@/test/fake-langfuse/server";
import { flushLangfuse, langfuseEnabled, resetLangfuseForTests, traceRequest } from "./langfuse";

const saved = { ...process.env };
let fake: FakeLangfuse;

const entry = (over: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  id: "req-abc",
  createdAt: new Date("2026-11-30T03:00:00.000Z"),
  endpoint: "chat.completions",
  apiKeyId: "key-1",
  teamId: "team-1",
  requestedModel: "gpt-4o-mini",
  servedModel: "gpt-4o-mini",
  provider: "openai",
  status: 200,
  cacheStatus: "MISS",
  latencyMs: 250,
  ttftMs: 100,
  inputTokens: 12,
  outputTokens: 30,
  costMicros: 1_234,
  endUser: "end.user@example.com",
  userId: "user-1",
  prompt: null,
  response: null,
  ...over,
});

function useLangfuse(host: string) {
  process.env.LANGFUSE_PUBLIC_KEY = "pk-lf-test";
  process.env.LANGFUSE_SECRET_KEY = "sk-lf-test";
  process.env.LANGFUSE_HOST = host;
  resetEnvForTests();
}

beforeAll(async () => {
  fake = await startFakeLangfuse("pk-lf-test", "sk-lf-test");
});
afterEach(async () => {
  await resetLangfuseForTests();
  fake.events.length = 0;
});
afterAll(async () => {
  await fake.close();
  process.env = saved;
  resetEnvForTests();
});

describe("langfuse", () => {
  it("is off without keys", () => {
    delete process.env.LANGFUSE_PUBLIC_KEY;
    delete process.env.LANGFUSE_SECRET_KEY;
    resetEnvForTests();
    expect(langfuseEnabled()).toBe(false);
    expect(() => traceRequest(entry())).not.toThrow();
  });

  it("sends a trace and a generation with model, usage, cost, cache status, latency and ids, without prompts", async () => {
    useLangfuse(fake.url);
    traceRequest(entry());
    await flushLangfuse();
    expect(fake.unauthorized).toBe(0);
    const trace = fake.events.find((e) => e.type === "trace-create");
    const gen = fake.events.find((e) => e.type === "generation-create");
    expect(trace?.body).toMatchObject({ id: "req-abc", name: "chat.completions", metadata: { request_id: "req-abc", cache_status: "MISS", api_key_id: "key-1", team_id: "team-1" } });
    expect(gen?.body).toMatchObject({
      traceId: "req-abc",
      model: "gpt-4o-mini",
      usageDetails: { input: 12, output: 30, total: 42 },
      costDetails: { total: 0.001234 },
      startTime: "2026-11-30T03:00:00.000Z",
      endTime: "2026-11-30T03:00:00.250Z",
      completionStartTime: "2026-11-30T03:00:00.100Z",
      metadata: { latency_ms: 250, cache_status: "MISS" },
    });
    expect(trace?.body.input).toBeUndefined();
    expect(gen?.body.input).toBeUndefined();
    expect(gen?.body.output).toBeUndefined();
    // The free-text end user (an email here) goes only with the prompts; Helix's user id always.
    expect(trace?.body.userId).toBe("user-1");
    expect(JSON.stringify(fake.events)).not.toContain("end.user@example.com");
  });

  it("includes the (already redacted) prompt and answer when the row carries them", async () => {
    useLangfuse(fake.url);
    traceRequest(entry({ id: "req-p", prompt: [{ role: "user", content: "hi <EMAIL_ADDRESS>" }], response: { choices: [{ message: { content: "hello" } }] } }));
    await flushLangfuse();
    const gen = fake.events.find((e) => e.type === "generation-create");
    expect(gen?.body.input).toEqual([{ role: "user", content: "hi <EMAIL_ADDRESS>" }]);
    expect(gen?.body.output).toEqual({ choices: [{ message: { content: "hello" } }] });
    expect(fake.events.find((e) => e.type === "trace-create")?.body.userId).toBe("end.user@example.com");
  });

  it("a dead host does not throw or block, and the shutdown flush is bounded", async () => {
    useLangfuse("http://127.0.0.1:9");
    const started = performance.now();
    for (let i = 0; i < 100; i++) traceRequest(entry({ id: `req-${i}` }));
    expect(performance.now() - started).toBeLessThan(200);
    const flushStarted = performance.now();
    await flushLangfuse(500);
    expect(performance.now() - flushStarted).toBeLessThan(1_500);
  });
});
