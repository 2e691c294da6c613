import { afterEach, describe, expect, it } from "vitest";
import { MemoryKv } from "./kv-memory";

describe("MemoryKv", () => {
  let t = 1_000_000;
  const now = () => t;
  let kv: MemoryKv;
  afterEach(async () => kv?.close());

  it("gets, sets and deletes", async () => {
    kv = new MemoryKv({ now, sweepIntervalMs: 0 });
    expect(kv.kind).toBe("memory");
    expect(await kv.get("a")).toBeNull();
    await kv.set("a", "1");
    await kv.set("b", "2");
    expect(await kv.get("a")).toBe("1");
    await kv.del("a", "b", "missing");
    expect(await kv.get("a")).toBeNull();
    expect(await kv.get("b")).toBeNull();
    await kv.ping();
  });

  it("expires values after their TTL, and SET without TTL clears it", async () => {
    kv = new MemoryKv({ now, sweepIntervalMs: 0 });
    await kv.set("short", "x", 5);
    await kv.set("again", "x", 5);
    await kv.set("again", "y"); // no TTL now, as Redis SET does
    t += 4_999;
    expect(await kv.get("short")).toBe("x");
    t += 1;
    expect(await kv.get("short")).toBeNull();
    expect(await kv.get("again")).toBe("y");
  });

  it("incrBy counts atomically and sets the TTL only when the counter is created", async () => {
    kv = new MemoryKv({ now, sweepIntervalMs: 0 });
    expect(await kv.incrBy("c", 2, 10)).toBe(2);
    t += 6_000;
    expect(await kv.incrBy("c", 3, 10)).toBe(5); // does not extend the window
    t += 4_000;
    expect(await kv.get("c")).toBeNull();
    expect(await kv.incrBy("c", -1)).toBe(-1);
    await kv.set("s", "abc");
    await expect(kv.incrBy("s", 1)).rejects.toThrow(/not an integer/);
    await expect(kv.incrBy("c", 1.5)).rejects.toThrow(/integer/);
  });

  it("is bounded: the least recently written entries go first, expired ones before them", async () => {
    kv = new MemoryKv({ now, maxEntries: 3, sweepIntervalMs: 0 });
    await kv.set("old", "1");
    await kv.set("expiring", "2", 1);
    await kv.set("new", "3");
    t += 2_000;
    await kv.set("newer", "4"); // evicts the expired entry, not "old"
    expect(await kv.get("old")).toBe("1");
    await kv.set("newest", "5"); // now the oldest write goes
    expect(kv.size).toBe(3);
    expect(await kv.get("old")).toBeNull();
    expect(await kv.get("newest")).toBe("5");
  });
});
