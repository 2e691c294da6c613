import { describe, expect, it } from "vitest";
import type { CachedAnswer } from "./cached-answer";
import { MemoryAnswerStore } from "./answer-store-memory";

const answer = (model: string, tenant: string, text = "x"): CachedAnswer => ({
  v: 1,
  completion: {
    id: "c",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
  },
  requestedModel: model,
  tenant,
  provider: "openai",
  storedAt: 0,
  upstreamLatencyMs: 1,
});

describe("MemoryAnswerStore", () => {
  it("stores, expires, and deletes by hash, model, tenant or all", async () => {
    const s = new MemoryAnswerStore({ maxBytes: 1_000_000 });
    await s.set("a", answer("m1", "t1"), 60);
    await s.set("b", answer("m2", "t1"), 60);
    await s.set("c", answer("m2", "t2"), 60);
    expect((await s.get("a"))?.requestedModel).toBe("m1");
    expect(await s.delete({ model: "m2" })).toBe(2);
    expect(await s.get("b")).toBeUndefined();
    await s.set("d", answer("m3", "t3"), 60);
    expect(await s.delete({ tenant: "t3" })).toBe(1);
    expect(await s.delete({ hashes: ["a"] })).toBe(1);
    await s.set("e", answer("m", "t"), 60);
    expect(await s.delete({ all: true })).toBe(1);
    expect((await s.stats()).entries).toBe(0);
  });

  it("honours each entry's TTL", async () => {
    const s = new MemoryAnswerStore({ maxBytes: 1_000_000 });
    await s.set("a", answer("m", "t"), 1);
    expect(await s.get("a")).toBeDefined();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await s.get("a")).toBeUndefined();
  });

  it("keeps within its byte budget, dropping the least recently used", async () => {
    const big = "y".repeat(10_000);
    const s = new MemoryAnswerStore({ maxBytes: 35_000 });
    await s.set("a", answer("m", "t", big), 60);
    await s.set("b", answer("m", "t", big), 60);
    await s.set("c", answer("m", "t", big), 60);
    await s.get("a"); // a is now more recent than b
    await s.set("d", answer("m", "t", big), 60);
    expect(await s.get("b")).toBeUndefined();
    expect(await s.get("a")).toBeDefined();
    expect((await s.stats()).bytes).toBeLessThanOrEqual(35_000);
  });
});
