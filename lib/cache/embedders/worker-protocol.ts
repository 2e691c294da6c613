// The messages between the request thread (worker-pool.ts) and the embed worker
// (embed-worker.mjs). The worker is plain JavaScript so Next never bundles it; these types are
// the contract both sides keep, and embed-worker.mjs refers back to this file.

/** What to load in the worker. A worker can hold several models, keyed by `key`. */
export type WorkerModelSpec =
  | { key: string; kind: "use-lite" }
  | {
      key: string;
      kind: "minilm";
      /** Folder with `<name>/{config.json,tokenizer.json,tokenizer_config.json,onnx/*.onnx}`. */
      modelDir: string;
      /** Folder names tried inside modelDir, first match wins. */
      names: string[];
      /** Hub model id used when no local folder exists and downloads are allowed. */
      hubModel: string;
      allowRemote: boolean;
      /** Abort a hub request whose response headers have not arrived by then. */
      hubTimeoutMs: number;
      /** Hugging Face hub (or mirror) root, e.g. "https://huggingface.co/". */
      remoteHost?: string;
      /** Tokens kept per text (the model's training window, below the tokenizer's 512). */
      maxInputTokens: number;
    }
  // Test-only models, accepted only when the pool starts the worker with enableTestModels.
  | { key: string; kind: "test-hash"; dimensions: number; busyMs: number }
  | { key: string; kind: "test-crash" };

export interface LoadedModelInfo {
  key: string;
  dimensions: number;
  maxInputTokens: number;
  loadMs: number;
  /** Where the weights came from (folder or hub id), for status pages. */
  source: string;
}

export type ToWorker =
  | { type: "load"; id: number; spec: WorkerModelSpec }
  | { type: "embed"; id: number; key: string; texts: string[] };

export type FromWorker =
  | { type: "loaded"; id: number; info: LoadedModelInfo }
  /** `vectors` is texts.length × dimensions floats, row-major, already L2-normalised. */
  | { type: "embedded"; id: number; vectors: Float32Array; dimensions: number; truncated: boolean[]; ms: number }
  | { type: "error"; id: number; message: string; code: WorkerErrorCode };

/** `unavailable`: the weights cannot be loaded (missing folder, offline); other failures are bugs or bad input. */
export type WorkerErrorCode = "unavailable" | "not_loaded" | "failed";

export interface WorkerData {
  enableTestModels: boolean;
}
