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
});
