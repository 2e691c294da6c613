// The in-process budget counters (embedded mode) against the shared counter contract, plus expiry.
import { describe, expect, it } from "vitest";
import { MemoryBudgetCounters } from "./budget-counters-memory";
import { counterContract } from "./budget-counters.suite";

counterContract("memory", () => new MemoryBudgetCounters());

describe("memory budget counters", () => {
  it("a counter is gone after its TTL (a new period starts from the database again)", async () => {
    const c = new MemoryBudgetCounters();
    const e = { counterKey: "helix:{budget}:key:k1:0", limitMicros: 10, hard: true, ttlMs: 60_000 };
    await c.seed(e, 5, 0);
    expect(await c.read([e], 59_999)).toEqual([{ spentMicros: 5, reservedMicros: 0 }]);
    expect(await c.read([e], 60_000)).toEqual([null]);
    expect(await c.reserve("r", [e], 1, 1_000, 60_000)).toEqual({ status: "missing", missing: [0] });
    expect(c.size).toBe(0);
  });

  it("stays bounded however many end users clients name: least recently used counters go first, never one holding a reservation", async () => {
    const c = new MemoryBudgetCounters(100);
    const entry = (id: string) => ({ counterKey: `helix:{budget}:end_user:${id}:0`, limitMicros: 1_000, hard: true, ttlMs: 3_600_000 });
    await c.seed(entry("busy"), 0, 0);
    expect((await c.reserve("r1", [entry("busy")], 10, 60_000, 0)).status).toBe("ok");
    await c.seed(entry("recent"), 7, 0);
    for (let i = 0; i < 300; i++) {
      await c.seed(entry(`u${i}`), 1, 0);
      await c.read([entry("recent")], 0); // used all along: stays
    }
    expect(c.size).toBeLessThanOrEqual(100);
    expect(await c.read([entry("busy"), entry("recent")], 0)).toEqual([
      { spentMicros: 0, reservedMicros: 10 },
      { spentMicros: 7, reservedMicros: 0 },
    ]);
    // A dropped counter reads as missing: the service seeds it again from the database.
    expect(await c.read([entry("u0")], 0)).toEqual([null]);
  });
});
