import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbedderWeightsUnavailableError } from "./errors";
import { createMiniLMEmbedder, MINILM_ID } from "./minilm";
import { expectedVector, TINY_HIDDEN, type TinyBert, writeTinyBert } from "./tiny-bert-fixture";
import { EmbedWorkerPool } from "./worker-pool";

let root: string;
let pool: EmbedWorkerPool;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "helix-minilm-"));
  pool = new EmbedWorkerPool();
});
afterAll(async () => {
  await pool.close();
  await rm(root, { recursive: true, force: true });
});

describe("MiniLM loader with a tiny generated BERT model", () => {
  let tiny: TinyBert;
  beforeAll(async () => {
    tiny = await writeTinyBert(path.join(root, "models"), MINILM_ID);
  });

  it("loads from <HELIX_MODEL_DIR>/all-MiniLM-L6-v2 and mean-pools + normalises like sentence-transformers", async () => {
    const e = createMiniLMEmbedder({ pool, modelDir: path.join(root, "models"), allowRemote: false });
    const info = await e.load();
    expect(info.source).toBe(tiny.dir);
    expect(e.dimensions).toBe(TINY_HIDDEN);
    expect(e.maxInputTokens).toBe(256);

    const [v, w] = await e.embed(["How do I reset my password?", "What is the capital of France?"]);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const want = expectedVector(tiny, ["how", "do", "i", "reset", "my", "password", "?"]);
    for (let k = 0; k < TINY_HIDDEN; k++) expect(v[k]).toBeCloseTo(want[k], 5);
    // In a batch the shorter text is padded; the attention mask must keep padding out of its mean.
    const [alone] = await e.embed(["What is the capital of France?"]);
    for (let k = 0; k < TINY_HIDDEN; k++) expect(w[k]).toBeCloseTo(alone[k], 5);
    const wantW = expectedVector(tiny, ["what", "is", "the", "capital", "of", "france", "?"]);
    for (let k = 0; k < TINY_HIDDEN; k++) expect(w[k]).toBeCloseTo(wantW[k], 5);
  });

  it("truncates to the 256-token window and reports it", async () => {
    const e = createMiniLMEmbedder({ pool, modelDir: path.join(root, "models"), allowRemote: false });
    const long = "word ".repeat(1000);
    const res = await e.embedDetailed([long, "a word"]);
    expect(res.truncated).toEqual([true, false]);
    // The first 256 tokens survive (not the tokenizer's own 512). transformers.js cuts after adding
    // special tokens, so it is [CLS] + 255 words, without the final [SEP].
    const maxDiff = (want: Float32Array) => Math.max(...Array.from(want, (x, k) => Math.abs(x - res.vectors[0][k])));
    expect(maxDiff(expectedVector(tiny, Array(255).fill("word"), { sep: false }))).toBeLessThan(2e-4);
    expect(maxDiff(expectedVector(tiny, Array(511).fill("word"), { sep: false }))).toBeGreaterThan(1e-3);
  });
});

describe("MiniLM weights unavailable", () => {
  it("fails fast and clearly when the folder is missing and downloads are off", async () => {
    const e = createMiniLMEmbedder({ pool, modelDir: path.join(root, "nothing-here"), allowRemote: false });
    const started = Date.now();
    const err = await e.load().catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(EmbedderWeightsUnavailableError);
    expect((err as Error).message).toMatch(/no model folder at .*nothing-here\/all-MiniLM-L6-v2 .*downloads are off/);
  });

  it("gives up on a hub that accepts connections but never answers, within the header timeout", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const silent = http.createServer(() => {});
    silent.on("connection", (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const { port } = silent.address() as AddressInfo;
      const e = createMiniLMEmbedder({
        pool,
        modelDir: path.join(root, "nothing-here"),
        allowRemote: true,
        remoteHost: `http://127.0.0.1:${port}`,
        hubTimeoutMs: 300,
      });
      const started = Date.now();
      const err = await e.load().catch((x: unknown) => x);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).toBeInstanceOf(EmbedderWeightsUnavailableError);
      expect((err as Error).message).toMatch(/downloading Xenova\/all-MiniLM-L6-v2 failed \(no answer from the model hub within 300 ms\)/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
