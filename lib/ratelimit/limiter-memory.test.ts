import { describe, expect, it } from "vitest";
import { evaluateWindow, windowStart, WINDOW_MS } from "./limiter";
import { MemoryRateLimiter } from "./limiter-memory";

// A minute boundary, so offsets read as "seconds into the window".
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % WINDOW_MS);
const at = (seconds: number) => T0 + seconds * 1000;
const rpm = (limit: number, key = "key:k:rpm") => ({ key, limit, cost: 1 });

const counts = (previous: number, current: number, last: { previousLastMs?: number; currentLastMs?: number } = {}) => ({ previous, current, ...last });

describe("evaluateWindow", () => {
  it("weights the previous window by its overlap with the sliding minute", () => {
    // 15 s into the window, 75 % of the previous minute still counts: 8 × 0.75 + 2 = 8.
    expect(evaluateWindow(counts(8, 2), 1, 10, at(15))).toEqual({ fits: true, remaining: 1 });
    expect(evaluateWindow(counts(8, 2), 3, 10, at(15))).toMatchObject({ fits: false });
    // 45 s in only 25 % counts: 8 × 0.25 + 2 = 4.
    expect(evaluateWindow(counts(8, 2), 3, 10, at(45))).toEqual({ fits: true, remaining: 3 });
  });

  it("counts nothing of the previous window once its last charge is a minute old", () => {
    // Previous window's last request at -50 s: at +10 s it is out of the sliding minute.
    const last = { previousLastMs: at(-50) };
    expect(evaluateWindow(counts(20, 0, last), 1, 10, at(10) - 1)).toMatchObject({ fits: false });
    expect(evaluateWindow(counts(20, 0, last), 1, 10, at(10))).toEqual({ fits: true, remaining: 9 });
  });

  it("retry-after waits for the previous window to decay when the current one has room", () => {
    // limit 10, current 2, cost 1: room 7; previous 14 must weigh ≤ 7 → weight 0.5 → 30 s in.
    const v = evaluateWindow(counts(14, 2), 1, 10, at(10));
    expect(v).toEqual({ fits: false, retryAfterMs: 20_000 });
    expect(evaluateWindow(counts(14, 2), 1, 10, at(10) + 20_000)).toMatchObject({ fits: true });
    expect(evaluateWindow(counts(14, 2), 1, 10, at(10) + 19_999)).toMatchObject({ fits: false });
    // …or less, when the previous window's last charge leaves the minute first.
    expect(evaluateWindow(counts(14, 2, { previousLastMs: at(-45) }), 1, 10, at(10))).toEqual({ fits: false, retryAfterMs: 5_000 });
  });

  it("retry-after points into the next window when the current window alone is full", () => {
    // 5 rpm all used in this window: next window, 5 × weight + 1 ≤ 5 → weight ≤ 0.8 → 12 s into it.
    expect(evaluateWindow(counts(0, 5), 1, 5, at(40))).toEqual({ fits: false, retryAfterMs: 20_000 + 12_000 });
    // With the last charge known (at 3 s), a minute after it at the latest: 63 s - 40 s.
    expect(evaluateWindow(counts(0, 5, { currentLastMs: at(3) }), 1, 5, at(40))).toEqual({ fits: false, retryAfterMs: 23_000 });
    // …and the decay, when that comes first (last charge at 30 s, decayed at 72 s > 12 s into next).
    expect(evaluateWindow(counts(0, 5, { currentLastMs: at(30) }), 1, 5, at(40))).toEqual({ fits: false, retryAfterMs: 32_000 });
  });

  it("never answers a retry-after of 0", () => {
    // previous 10 must weigh ≤ 9 (at 6 s into the window); asked 1 ms before that
    expect(evaluateWindow(counts(10, 0), 1, 10, at(6) - 1)).toEqual({ fits: false, retryAfterMs: 1 });
    // a cost of the whole limit needs an empty minute: a minute after the last charge
    expect(evaluateWindow(counts(0, 100, { currentLastMs: at(0) }), 100, 100, at(0))).toEqual({ fits: false, retryAfterMs: WINDOW_MS });
    expect(evaluateWindow(counts(0, 100), 100, 100, at(0))).toEqual({ fits: false, retryAfterMs: 2 * WINDOW_MS });
  });

  it("treats a cost above the limit as the whole limit", () => {
    expect(evaluateWindow(counts(0, 0), 5_000, 1_000, at(3))).toEqual({ fits: true, remaining: 0 });
    expect(evaluateWindow(counts(0, 1), 5_000, 1_000, at(3))).toMatchObject({ fits: false });
  });
});

describe("MemoryRateLimiter", () => {
  it("admits up to the limit within a minute, then denies with a retry-after", async () => {
    const l = new MemoryRateLimiter();
    for (let i = 0; i < 5; i++) expect(await l.check([rpm(5)], at(10 + i))).toMatchObject({ allowed: true, remaining: [4 - i] });
    const denied = await l.check([rpm(5)], at(20));
    expect(denied).toMatchObject({ allowed: false, index: 0 });
    if (denied.allowed) throw new Error("unreachable");
    // Into the next window, 5 × weight + 1 ≤ 5 at 12 s (before a minute after the last request,
    // 74 s): 72 s − 20 s.
    expect(denied.retryAfterMs).toBe(52_000);
    expect((await l.check([rpm(5)], at(20) + denied.retryAfterMs - 1)).allowed).toBe(false);
    // A denial charges nothing.
    expect(await l.check([rpm(5)], at(20) + denied.retryAfterMs)).toMatchObject({ allowed: true });
  });

  it("slides: the previous minute's requests fade out over the next minute", async () => {
    const l = new MemoryRateLimiter();
    for (let i = 0; i < 10; i++) await l.check([rpm(10)], at(50));
    // Next window, 30 s in: 10 × 0.5 = 5 still counted → 5 more fit, the 6th does not.
    for (let i = 0; i < 5; i++) expect((await l.check([rpm(10)], at(90))).allowed).toBe(true);
    const d = await l.check([rpm(10)], at(90));
    expect(d.allowed).toBe(false);
    // A minute after the burst (at 50 s) it no longer counts: 5 more fit at 110 s.
    for (let i = 0; i < 5; i++) expect((await l.check([rpm(10)], at(110))).allowed).toBe(true);
    expect((await l.check([rpm(10)], at(110))).allowed).toBe(false);
    // Two windows later nothing of the first burst counts.
    for (let i = 0; i < 10; i++) expect((await l.check([rpm(10)], at(240))).allowed).toBe(true);
  });

  it("charges all entries or none", async () => {
    const l = new MemoryRateLimiter();
    const key = rpm(100, "key:k:rpm");
    const team = rpm(2, "team:t:rpm");
    expect((await l.check([key, team], at(1))).allowed).toBe(true);
    expect((await l.check([key, team], at(2))).allowed).toBe(true);
    const d = await l.check([key, team], at(3));
    expect(d).toMatchObject({ allowed: false, index: 1 });
    // The key's counter was not charged by the denied request: 98 more fit alone.
    expect(await l.check([{ ...key, cost: 98 }], at(4))).toMatchObject({ allowed: true, remaining: [0] });
    expect((await l.check([key], at(4))).allowed).toBe(false);
  });

  it("names the entry that frees up last when several deny", async () => {
    const l = new MemoryRateLimiter();
    await l.check([{ key: "a", limit: 10, cost: 10 }], at(30)); // a: full in the previous window (decays)
    await l.check([{ key: "b", limit: 10, cost: 10 }], at(61)); // b: full in the current window
    const d = await l.check(
      [
        { key: "a", limit: 10, cost: 1 },
        { key: "b", limit: 10, cost: 1 },
      ],
      at(62),
    );
    expect(d).toMatchObject({ allowed: false, index: 1 });
  });

  it("adjust corrects the token counter of the charged window, never below zero", async () => {
    const l = new MemoryRateLimiter();
    const tpm = { key: "key:k:tpm", limit: 1_000 };
    const first = await l.check([{ ...tpm, cost: 800 }], at(5)); // estimate: prompt + max_tokens
    if (!first.allowed) throw new Error("expected admission");
    expect(first.windowStartMs).toBe(windowStart(at(5)));
    expect((await l.check([{ ...tpm, cost: 300 }], at(6))).allowed).toBe(false);
    await l.adjust({ key: tpm.key, windowStartMs: first.windowStartMs }, 150 - 800); // actual usage 150
    expect(await l.check([{ ...tpm, cost: 300 }], at(7))).toMatchObject({ allowed: true, remaining: [550] });
    // A larger negative delta stops at zero instead of granting credit.
    await l.adjust({ key: tpm.key, windowStartMs: first.windowStartMs }, -10_000);
    expect(await l.check([{ ...tpm, cost: 1_000 }], at(8))).toMatchObject({ allowed: true, remaining: [0] });
    // Positive corrections count too.
    await l.adjust({ key: tpm.key, windowStartMs: first.windowStartMs }, 500);
    expect((await l.check([{ ...tpm, cost: 1 }], at(9))).allowed).toBe(false);
  });

  it("drops counters older than the previous window", async () => {
    const l = new MemoryRateLimiter();
    for (let i = 0; i < 50; i++) await l.check([rpm(100, `key:${i}:rpm`)], at(1));
    expect(l.size).toBe(50);
    await l.check([rpm(100, "key:x:rpm")], at(61));
    expect(l.size).toBe(51);
    await l.check([rpm(100, "key:x:rpm")], at(121));
    expect(l.size).toBe(2);
  });

  it("stays within maxCounters", async () => {
    const l = new MemoryRateLimiter({ maxCounters: 10 });
    for (let i = 0; i < 25; i++) await l.check([rpm(100, `key:${i}:rpm`)], at(1));
    expect(l.size).toBe(10);
  });
});
