// Against the real Redis (TEST_REDIS_URL). Every key lives under a random prefix, removed at the end.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL } from "@/test/support/services";
import { KvUnavailableError, RedisKv } from "./kv-redis";

const prefix = `helix-test:${randomBytes(6).toString("hex")}:`;
const opened: RedisKv[] = [];
function open(opts: Partial<ConstructorParameters<typeof RedisKv>[0]> = {}): RedisKv {
  const kv = new RedisKv({ url: TEST_REDIS_URL, keyPrefix: prefix, ...opts });
  opened.push(kv);
  return kv;
}

afterAll(async () => {
  const cleaner = open({ keyPrefix: undefined });
  await cleaner.ping(); // waits for the connection
  const keys = await cleaner.client.keys(`${prefix}*`);
  if (keys.length) await cleaner.client.del(...keys);
  await Promise.all(opened.map((k) => k.close()));
});

describe("RedisKv", () => {
  it("gets, sets, deletes and pings", async () => {
    const kv = open();
    expect(kv.kind).toBe("redis");
    await kv.ping();
    expect(await kv.get("a")).toBeNull();
    await kv.set("a", "1");
    await kv.set("b", "2");
    expect(await kv.get("a")).toBe("1");
    await kv.del("a", "b");
    expect(await kv.get("a")).toBeNull();
    expect(await kv.get("b")).toBeNull();
  });

  it("expires values after their TTL", async () => {
    const kv = open();
    await kv.set("ttl", "x", 1);
    const ttl = await kv.client.pttl("ttl");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    expect(await kv.get("ttl")).toBe("x");
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await kv.get("ttl")).toBeNull();
  });

  it("incrBy sets the TTL only when the counter is created", async () => {
    const kv = open();
    expect(await kv.incrBy("counter", 2, 100)).toBe(2);
    await kv.client.expire("counter", 50); // a later increment must not reset the window
    expect(await kv.incrBy("counter", 3, 100)).toBe(5);
    expect(await kv.client.ttl("counter")).toBeLessThanOrEqual(50);
    expect(await kv.incrBy("forever", 1)).toBe(1);
    expect(await kv.client.ttl("forever")).toBe(-1);
  });

  it("two clients see each other's writes at once", async () => {
    const a = open();
    const b = open();
    await a.set("shared", "v1", 60);
    expect(await b.get("shared")).toBe("v1");
    await b.del("shared");
    expect(await a.get("shared")).toBeNull();
  });

  it("fails fast with a clear error, and does not crash, when Redis is down", async () => {
    const errors: string[] = [];
    const kv = open({ url: "redis://127.0.0.1:1", startupWaitMs: 200, onError: (m) => errors.push(m) });
    const started = Date.now();
    const err = await kv.get("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KvUnavailableError);
    expect((err as Error).message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is unavailable/);
    expect(Date.now() - started).toBeLessThan(2_000);
    // After the start-up grace period commands fail immediately.
    const t2 = Date.now();
    await expect(kv.incrBy("x", 1)).rejects.toBeInstanceOf(KvUnavailableError);
    await expect(kv.ping()).rejects.toBeInstanceOf(KvUnavailableError);
    expect(Date.now() - t2).toBeLessThan(1000); // no waiting for a connection (that would be ≥ 3 s)
    expect(errors.length).toBe(1); // one message per outage, not one per retry
    expect((err as KvUnavailableError).status).toBe(503);
  });
});
