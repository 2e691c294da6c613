// Tests only: the behaviour both budget counter backends must share, run by
// budget-counters-memory.test.ts (in-process) and budget-counters-redis.int.test.ts (real Redis).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { BudgetCounters, CounterEntry } from "./budget-counters";

const T0 = Date.UTC(2026, 10, 29, 12);
const DAY = 86_400_000;

export function counterContract(name: string, make: () => BudgetCounters | Promise<BudgetCounters>): void {
  const entry = (limitMicros: number | undefined, hard = true): CounterEntry => ({
    counterKey: `helix:{budget}:test:${randomBytes(6).toString("hex")}:${T0}`,
    limitMicros,
    hard,
    ttlMs: DAY,
  });

  describe(`${name} budget counters`, () => {
    it("a missing counter is reported, not treated as zero; seed has SETNX semantics", async () => {
      const c = await make();
      const e = entry(10_000);
      expect(await c.reserve("r1", [e], 500, 60_000, T0)).toEqual({ status: "missing", missing: [0] });
      expect(await c.read([e], T0)).toEqual([null]);
      await c.seed(e, 9_800, T0);
      await c.seed(e, 0, T0); // a second instance seeding late does not reset it
      expect(await c.read([e], T0)).toEqual([{ spentMicros: 9_800, reservedMicros: 0 }]);
      expect(await c.settle("r1", [e, entry(1)], 100, T0)).toEqual({ status: "missing", missing: [1] });
      expect(await c.read([e], T0)).toEqual([{ spentMicros: 9_800, reservedMicros: 0 }]);
    });

    it("admits while spent + reserved < limit, denies a hard budget at the limit, never a soft one", async () => {
      const c = await make();
      const hard = entry(1_000);
      const soft = entry(100, false);
      await c.seed(hard, 0, T0);
      await c.seed(soft, 0, T0);
      expect(await c.reserve("a", [hard, soft], 600, 60_000, T0)).toEqual({
        status: "ok",
        states: [
          { spentMicros: 0, reservedMicros: 600 },
          { spentMicros: 0, reservedMicros: 600 },
        ],
      });
      // 600 < 1000: admitted though its estimate passes the limit (overshoot ≤ one request).
      expect((await c.reserve("b", [hard, soft], 600, 60_000, T0)).status).toBe("ok");
      const denied = await c.reserve("c", [soft, hard], 1, 60_000, T0);
      expect(denied).toEqual({
        status: "denied",
        index: 1,
        states: [
          { spentMicros: 0, reservedMicros: 1_200 },
          { spentMicros: 0, reservedMicros: 1_200 },
        ],
      });
      // The denied request reserved nothing anywhere.
      expect(await c.read([hard, soft], T0)).toEqual([
        { spentMicros: 0, reservedMicros: 1_200 },
        { spentMicros: 0, reservedMicros: 1_200 },
      ]);
      // Releasing one makes room again.
      await c.release("b", [hard, soft], T0);
      expect((await c.reserve("c", [hard, soft], 1, 60_000, T0)).status).toBe("ok");
    });

    it("settle swaps the reservation for the actual cost and reports spend before and after", async () => {
      const c = await make();
      const a = entry(5_000);
      const b = entry(undefined, false);
      await c.seed(a, 1_000, T0);
      await c.seed(b, 50, T0);
      await c.reserve("r", [a, b], 900, 60_000, T0);
      expect(await c.settle("r", [a, b], 700, T0)).toEqual({
        status: "ok",
        states: [
          { spentBeforeMicros: 1_000, spentMicros: 1_700, reservedMicros: 0 },
          { spentBeforeMicros: 50, spentMicros: 750, reservedMicros: 0 },
        ],
      });
      // A settle without a reservation (expired meanwhile) still counts the cost.
      expect(await c.settle("late", [a], 300, T0)).toMatchObject({ status: "ok", states: [{ spentBeforeMicros: 1_700, spentMicros: 2_000 }] });
      // Reserving twice under one id replaces the first reservation.
      await c.reserve("x", [a], 400, 60_000, T0);
      await c.reserve("x", [a], 100, 60_000, T0);
      expect(await c.read([a], T0)).toEqual([{ spentMicros: 2_000, reservedMicros: 100 }]);
    });

    it("expired reservations are purged: a crashed instance cannot hold budget forever", async () => {
      const c = await make();
      const e = entry(1_000);
      await c.seed(e, 0, T0);
      expect((await c.reserve("crashed", [e], 1_000, 30_000, T0)).status).toBe("ok");
      expect((await c.reserve("next", [e], 10, 30_000, T0 + 29_000)).status).toBe("denied");
      expect(await c.read([e], T0 + 30_000)).toEqual([{ spentMicros: 0, reservedMicros: 0 }]);
      expect(await c.reserve("next", [e], 10, 30_000, T0 + 30_001)).toEqual({ status: "ok", states: [{ spentMicros: 0, reservedMicros: 10 }] });
    });

    it("many concurrent reserve → settle cycles overshoot a limit by at most one request's cost", async () => {
      const c = await make();
      const e = entry(10_000);
      await c.seed(e, 0, T0);
      let admitted = 0;
      let denied = 0;
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const actual = 700 + ((i * 37) % 801);
          const r = await c.reserve(`q${i}`, [e], 1_500, 60_000, T0);
          if (r.status !== "ok") {
            denied++;
            return;
          }
          admitted++;
          await c.settle(`q${i}`, [e], actual, T0);
        }),
      );
      const [state] = await c.read([e], T0);
      expect(denied).toBeGreaterThan(0);
      expect(admitted).toBeGreaterThan(0);
      expect(state!.reservedMicros).toBe(0);
      expect(state!.spentMicros).toBeLessThanOrEqual(10_000 + 1_500);
    });
  });
}
