import { isMainThread, threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUseLiteEmbedder, USE_LITE_DIMENSIONS } from "./use-lite";
import type { WorkerEmbedder } from "./worker-embedder";
import { EmbedWorkerPool } from "./worker-pool";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe("use-lite (Universal Sentence Encoder lite in the embed worker)", () => {
  let pool: EmbedWorkerPool;
  let embedder: WorkerEmbedder;

  // One model load for the whole file: it is the slow part.
  beforeAll(async () => {
    pool = new EmbedWorkerPool();
    embedder = createUseLiteEmbedder({ pool });
    await embedder.load();
  });
  afterAll(async () => {
    await embedder.close();
    await pool.close();
  });

  it("produces 512-dimensional unit vectors", async () => {
    const [v] = await embedder.embed(["How do I reset my password?"]);
    expect(embedder.dimensions).toBe(USE_LITE_DIMENSIONS);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v).toHaveLength(512);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it("scores a paraphrase above an unrelated question", async () => {
    const [a, b, c] = await embedder.embed([
      "How do I reset my password?",
      "What are the steps to change my password?",
      "What is the capital of France?",
    ]);
    const paraphrase = dot(a, b);
    const unrelated = dot(a, c);
    expect(paraphrase).toBeGreaterThan(0.7);
    expect(unrelated).toBeLessThan(0.4);
    expect(paraphrase - unrelated).toBeGreaterThan(0.3);
  });

  it("gives the same vectors in a batch as one by one", async () => {
    const texts = ["short", "a somewhat longer sentence about databases and indexes", "", "Ünïcödé café 東京 🎉"];
    const batch = await embedder.embed(texts);
    for (let i = 0; i < texts.length; i++) {
      const [single] = await embedder.embed([texts[i]]);
      for (let k = 0; k < 512; k++) expect(Math.abs(single[k] - batch[i][k])).toBeLessThan(1e-5);
    }
  });

  it("truncates texts over the window and says so", async () => {
    const long = "word ".repeat(2000);
    const res = await embedder.embedDetailed([long, "short text"]);
    expect(res.truncated).toEqual([true, false]);
    // Truncation keeps the start: the long text embeds like its first window.
    const [head] = await embedder.embed(["word ".repeat(embedder.maxInputTokens)]);
    expect(dot(res.vectors[0], head)).toBeGreaterThan(0.99);
  });

  it("runs inference in the worker: the main event loop keeps ticking during a long batch", async () => {
    expect(isMainThread).toBe(true);
    expect(pool.threadId).toBeDefined();
    expect(pool.threadId).not.toBe(threadId);
    const texts = Array.from({ length: 64 }, (_, i) => `Sentence number ${i} about ${"many ".repeat(i % 20)}different topics.`);
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    await embedder.embed(texts);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // If inference ran here, the interval could not fire until it finished.
    expect(elapsed).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
    expect(maxGap).toBeLessThan(Math.max(50, elapsed / 2));
  });
});
