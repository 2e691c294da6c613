// The Redis answer store against the machine's real Redis (a database index of its own).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisKv } from "@/lib/store/kv-redis";
import { TEST_REDIS_URL } from "@/test/support/services";
import type { CachedAnswer } from "./cached-answer";
import { RedisAnswerStore } from "./answer-store-redis";

const url = new URL(TEST_REDIS_URL);
url.pathname = "/9";
let kv: RedisKv;
let store: RedisAnswerStore;

const answer = (model: string, tenant: string): CachedAnswer => ({
  v: 1,
  completion: {
    id: "c",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, finish_reason: "stop", logprobs: null }],
  },
  requestedModel: model,
  tenant,
  provider: "openai",
  storedAt: 0,
  upstreamLatencyMs: 1,
});

beforeAll(async () => {
  kv = new RedisKv({ url: url.toString() });
  store = new RedisAnswerStore(kv);
  await store.delete({ all: true });
});
afterAll(async () => {
  await store.delete({ all: true });
  await kv.close();
});

describe("RedisAnswerStore", () => {
  it("keeps answers as helix:exact:<hash> with a TTL", async () => {
    await store.set("h1", answer("m1", "t1"), 120);
    expect((await store.get("h1"))?.tenant).toBe("t1");
    const ttl = await kv.use("TTL", (r) => r.ttl("helix:exact:h1"));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("deletes by hash, model, tenant and all", async () => {
    await store.set("a", answer("m1", "t1"), 60);
    await store.set("b", answer("m2", "t1"), 60);
    await store.set("c", answer("m2", "t2"), 60);
    expect(await store.delete({ model: "m2" })).toBe(2);
    expect(await store.delete({ tenant: "t1" })).toBeGreaterThanOrEqual(1);
    expect(await store.get("a")).toBeUndefined();
    await store.set("d", answer("m", "t"), 60);
    expect(await store.delete({ hashes: ["d"] })).toBe(1);
    await store.set("e", answer("m", "t"), 60);
    expect((await store.stats()).entries).toBeGreaterThanOrEqual(1);
    await store.delete({ all: true });
    expect((await store.stats()).entries).toBe(0);
  });
});
