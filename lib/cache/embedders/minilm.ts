// all-MiniLM-L6-v2 (384 dims), the configured default. Weights come from HELIX_MODEL_DIR (or
// <HELIX_DATA_DIR>/models); where they cannot be loaded select.ts falls back to use-lite.
import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { WorkerEmbedder, type WorkerEmbedderOptions } from "./worker-embedder";

export const MINILM_ID = "all-MiniLM-L6-v2";
export const MINILM_DIMENSIONS = 384;
/** sentence-transformers' max_seq_length for this model; the tokenizer would allow 512. */
export const MINILM_MAX_INPUT_TOKENS = 256;
export const MINILM_HUB_MODEL = "Xenova/all-MiniLM-L6-v2";

export interface MiniLMOptions extends WorkerEmbedderOptions {
  /** Defaults to HELIX_MODEL_DIR, else <HELIX_DATA_DIR>/models. */
  modelDir?: string;
  /** Defaults to !HELIX_EMBEDDINGS_OFFLINE. */
  allowRemote?: boolean;
  hubTimeoutMs?: number;
  remoteHost?: string;
}

/** Where local weights are looked for (and downloads are kept). A run-time folder, not a build input: hence turbopackIgnore. */
export function defaultModelDir(): string {
  const e = env();
  return path.resolve(/* turbopackIgnore: true */ e.HELIX_MODEL_DIR ?? path.join(e.HELIX_DATA_DIR, "models"));
}

export function createMiniLMEmbedder(opts: MiniLMOptions = {}): WorkerEmbedder {
  const e = env();
  return new WorkerEmbedder(
    MINILM_ID,
    {
      key: MINILM_ID,
      kind: "minilm",
      modelDir: opts.modelDir ?? defaultModelDir(),
      // The plain name is what the docs tell users to create; Xenova/… is where a download lands.
      names: [MINILM_ID, MINILM_HUB_MODEL],
      hubModel: MINILM_HUB_MODEL,
      allowRemote: opts.allowRemote ?? !e.HELIX_EMBEDDINGS_OFFLINE,
      hubTimeoutMs: opts.hubTimeoutMs ?? e.HELIX_MODEL_HUB_TIMEOUT_MS,
      remoteHost: opts.remoteHost,
      maxInputTokens: MINILM_MAX_INPUT_TOKENS,
    },
    { dimensions: MINILM_DIMENSIONS, maxInputTokens: MINILM_MAX_INPUT_TOKENS },
    opts,
  );
}
