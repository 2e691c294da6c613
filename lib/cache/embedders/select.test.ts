import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { type FakeUpstream, startFakeUpstream } from "@/test/fake-upstream/server";
import { writeTinyBert } from "./tiny-bert-fixture";
import { closeEmbedders, embedderSettings, embedderStatus, getEmbedder } from "./select";

let root: string;
let fake: FakeUpstream;
const saved = { ...process.env };

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "helix-select-"));
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await closeEmbedders();
  process.env = { ...saved };
  resetEnvForTests();
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

function setEnv(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetEnvForTests();
}

describe("getEmbedder", () => {
  it("falls back to use-lite, fast and with the reason, when MiniLM's weights are missing", async () => {
    setEnv({ HELIX_MODEL_DIR: path.join(root, "empty"), HELIX_EMBEDDINGS_OFFLINE: "true" });
    expect(embedderStatus({ embedding_model: "all-MiniLM-L6-v2" })).toMatchObject({ ready: false, reason: "not loaded yet" });
    const started = Date.now();
    const e = await getEmbedder({ embedding_model: "all-MiniLM-L6-v2" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.id).toBe("use-lite");
    expect(e.dimensions).toBe(512);
    const status = embedderStatus();
    expect(status).toMatchObject({ configured: "all-MiniLM-L6-v2", active: "use-lite", dimensions: 512, fallback: true, ready: true });
    expect(status.reason).toMatch(
      /^all-MiniLM-L6-v2 weights unavailable \(no model folder at .*empty\/all-MiniLM-L6-v2 .*downloads are off \(HELIX_EMBEDDINGS_OFFLINE\)\), using use-lite fallback$/,
    );
    const [v] = await e.embed(["hello"]);
    expect(v).toHaveLength(512);
  });

  it("loads once for concurrent callers and returns the same instance", async () => {
    setEnv({ HELIX_MODEL_DIR: path.join(root, "empty"), HELIX_EMBEDDINGS_OFFLINE: "true" });
    const [a, b] = await Promise.all([getEmbedder({ embedding_model: "use-lite" }), getEmbedder({ embedding_model: "use-lite" })]);
    expect(a).toBe(b);
    expect(await getEmbedder({ embedding_model: "use-lite" })).toBe(a);
    expect(embedderStatus()).toMatchObject({ configured: "use-lite", active: "use-lite", fallback: false, ready: true });
    expect(embedderStatus().reason).toBeUndefined();
  });

  it("uses MiniLM when its folder exists", async () => {
    const dir = path.join(root, "models");
    await writeTinyBert(dir, "all-MiniLM-L6-v2");
    setEnv({ HELIX_MODEL_DIR: dir, HELIX_EMBEDDINGS_OFFLINE: "true" });
    const e = await getEmbedder({ embedding_model: "all-MiniLM-L6-v2" });
    expect(e.id).toBe("all-MiniLM-L6-v2");
    expect(embedderStatus()).toMatchObject({ active: "all-MiniLM-L6-v2", fallback: false, ready: true, dimensions: 8 });
  });

  it("serves openai-compatible:<model> from embedding_api_base with the key named by embedding_api_key_env", async () => {
    setEnv({ EMBED_KEY: "sk-embed" });
    fake.reset();
    const cfg = { embedding_model: "openai-compatible:text-embedding-3-small", embedding_api_base: `${fake.url}/v1`, embedding_api_key_env: "EMBED_KEY" };
    const e = await getEmbedder(cfg);
    expect(e.id).toBe("openai-compatible:text-embedding-3-small");
    expect(e.dimensions).toBe(8);
    expect(fake.requests[0].headers.authorization).toBe("Bearer sk-embed");
    expect(embedderStatus(cfg)).toMatchObject({ active: e.id, ready: true, dimensions: 8, fallback: false });
  });

  it("reports configuration mistakes as not ready, and fails fast on repeated calls", async () => {
    await expect(getEmbedder({ embedding_model: "openai-compatible:m" })).rejects.toThrow(/embedding_api_base is required/);
    await expect(getEmbedder({ embedding_model: "word2vec" })).rejects.toThrow(/Unknown semantic_cache.embedding_model 'word2vec'/);
    expect(embedderStatus({ embedding_model: "word2vec" })).toMatchObject({ configured: "word2vec", ready: false });
    const down = { embedding_model: "openai-compatible:m", embedding_api_base: "http://127.0.0.1:1/v1" };
    await expect(getEmbedder(down)).rejects.toThrow(/Embedding upstream/);
    const started = Date.now();
    await expect(getEmbedder(down)).rejects.toThrow(/Embedding upstream/);
    // No second connection attempt: the remembered failure answers at once (a retry takes seconds).
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reads settings defensively", () => {
    expect(embedderSettings(undefined)).toEqual({ embedding_model: "all-MiniLM-L6-v2" });
    expect(embedderSettings({ embedding_model: " use-lite ", embedding_dimensions: -1, embedding_api_base: "" })).toEqual({ embedding_model: "use-lite" });
  });
});
