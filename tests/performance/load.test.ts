import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "@/test/fake-upstream/server";
import type { FakeUpstream } from "@/test/fake-upstream/types";
import { chatBody, formatSummary, parseLoadArgs, runLoadTest } from "./load";

describe("tests/performance/load.ts", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    // Any OpenAI-compatible URL works; the fake upstream stands in for a Helix here.
    fake = await startFakeUpstream();
  });
  afterAll(() => fake.close());

  it("parses flags, accepts a /v1 base URL, and rejects bad input", () => {
    const o = parseLoadArgs(["--url", "http://h:4000/v1/", "--key", "sk-1", "--stream", "--connections", "4", "--duration", "5"]);
    expect(o).toMatchObject({ url: "http://h:4000", key: "sk-1", stream: true, connections: 4, duration: 5, model: "gpt-4o-mini", cacheHits: false });
    expect(() => parseLoadArgs([])).toThrow("--url is required");
    expect(() => parseLoadArgs(["--url", "http://h", "--connections", "0"])).toThrow("--connections must be a number >= 1");
    expect(() => parseLoadArgs(["--url", "http://h", "--bogus"])).toThrow();
  });

  it("makes unique prompts unless --cache-hits", () => {
    const a = JSON.parse(chatBody({ model: "m", stream: false, maxTokens: 8, cacheHits: false }, 1));
    const b = JSON.parse(chatBody({ model: "m", stream: false, maxTokens: 8, cacheHits: false }, 2));
    expect(a.messages[0].content).not.toBe(b.messages[0].content);
    expect(chatBody({ model: "m", stream: true, maxTokens: 8, cacheHits: true }, 1)).toBe(chatBody({ model: "m", stream: true, maxTokens: 8, cacheHits: true }, 2));
  });

  it.each([false, true])("drives chat completions (stream=%s) with the key and reports the figures", async (stream) => {
    fake.reset();
    // A key per run: requests autocannon left in flight in an earlier run may still arrive.
    const key = `sk-load-${stream}`;
    const opts = parseLoadArgs(["--url", fake.url, "--key", key, "--connections", "2", "--duration", "1", ...(stream ? ["--stream"] : [])]);
    const summary = await runLoadTest(opts);
    const chats = fake.requests.filter((r) => r.path === "/v1/chat/completions" && r.headers.authorization === `Bearer ${key}`);
    expect(summary.passed).toBe(true);
    expect(summary.non2xx).toBe(0);
    expect(summary.ok).toBeGreaterThan(5);
    // autocannon may cut off the requests in flight at the end; every counted one reached the server.
    expect(chats.length).toBeGreaterThanOrEqual(summary.ok);
    expect(chats.every((r) => (r.body as { stream: boolean }).stream === stream)).toBe(true);
    expect(new Set(chats.map((r) => JSON.stringify(r.body))).size).toBe(chats.length);
    expect(formatSummary(summary)).toContain("PASS");
  });

  it("fails the run when requests fail", async () => {
    fake.reset();
    fake.failNext(1_000_000, { status: 500 });
    const summary = await runLoadTest(parseLoadArgs(["--url", fake.url, "--connections", "1", "--duration", "1"]));
    expect(summary.non2xx).toBeGreaterThan(0);
    expect(summary.statusCodes["500"]).toBe(summary.non2xx);
    expect(summary.passed).toBe(false);
    fake.reset();
  });
});
