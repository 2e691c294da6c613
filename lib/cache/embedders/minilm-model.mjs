// all-MiniLM-L6-v2 through @xenova/transformers (onnxruntime-node). Runs INSIDE the embed worker.
// Weights come from a local folder (HELIX_MODEL_DIR); the Hugging Face hub is tried only when
// downloads are allowed, with a short header timeout so an unreachable hub fails fast instead of
// hanging the first request. A download lands in the same folder, so the next start is local.
import { existsSync } from "node:fs";
import path from "node:path";

/** The weights are not there (no folder, offline, hub unreachable): a reason to fall back, not a bug. */
export class MiniLMUnavailableError extends Error {}

/** The first folder under modelDir that holds a usable model, and which ONNX file to use. */
function findLocal(modelDir, names) {
  for (const name of names) {
    const dir = path.join(modelDir, name);
    if (!existsSync(path.join(dir, "config.json")) || !existsSync(path.join(dir, "tokenizer.json"))) continue;
    if (existsSync(path.join(dir, "onnx", "model_quantized.onnx"))) return { name, dir, quantized: true };
    if (existsSync(path.join(dir, "onnx", "model.onnx"))) return { name, dir, quantized: false };
  }
  return undefined;
}

const originalFetch = globalThis.fetch.bind(globalThis);
let hubTimeoutMs = 5_000;

/**
 * fetch that gives up when response headers take longer than the hub timeout; the body may take
 * its time (a 23 MB download on a slow link is fine, a black-holed connection is not). Installed
 * once; the timeout follows the latest spec.
 */
async function fetchWithHeaderTimeout(input, init = {}) {
  const ms = hubTimeoutMs;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new Error(`no answer from the model hub within ${ms} ms`)), ms);
  const signal = init.signal ? AbortSignal.any([init.signal, ctrl.signal]) : ctrl.signal;
  try {
    return await originalFetch(input, { ...init, signal });
  } catch (err) {
    throw ctrl.signal.aborted ? ctrl.signal.reason : err;
  } finally {
    clearTimeout(timer);
  }
}

function describe(err) {
  const cause = err?.cause?.code ?? err?.cause?.message;
  return cause ? `${err.message}: ${cause}` : String(err?.message ?? err);
}

/**
 * @param {{ modelDir: string, names: string[], hubModel: string, allowRemote: boolean, hubTimeoutMs: number, remoteHost?: string, maxInputTokens: number }} spec
 */
export async function loadMiniLM(spec) {
  const local = findLocal(spec.modelDir, spec.names);
  const wanted = spec.names.map((n) => path.join(spec.modelDir, n)).join(" or ");
  if (!local && !spec.allowRemote) {
    throw new MiniLMUnavailableError(`no model folder at ${wanted} and downloads are off (HELIX_EMBEDDINGS_OFFLINE)`);
  }

  const { pipeline, env } = await import("@xenova/transformers");
  env.allowLocalModels = true;
  env.localModelPath = spec.modelDir;
  env.cacheDir = spec.modelDir;
  env.useFSCache = true;
  env.allowRemoteModels = !local && spec.allowRemote;
  if (spec.remoteHost) env.remoteHost = spec.remoteHost.endsWith("/") ? spec.remoteHost : `${spec.remoteHost}/`;
  // transformers.js calls the global fetch; this worker has nothing else that fetches.
  hubTimeoutMs = spec.hubTimeoutMs;
  globalThis.fetch = fetchWithHeaderTimeout;

  const modelId = local ? local.name : spec.hubModel;
  let extractor;
  try {
    extractor = await pipeline("feature-extraction", modelId, { quantized: local ? local.quantized : true });
  } catch (err) {
    if (local) throw err; // a broken local folder is a real error, reported as such
    throw new MiniLMUnavailableError(`no model folder at ${wanted}, and downloading ${spec.hubModel} failed (${describe(err)})`);
  }

  // sentence-transformers trained MiniLM on 256 tokens; the tokenizer's own limit is 512.
  const maxTokens = Math.min(spec.maxInputTokens, extractor.tokenizer.model_max_length ?? spec.maxInputTokens);
  extractor.tokenizer.model_max_length = maxTokens;
  const dimensions = extractor.model.config.hidden_size;

  async function embed(texts) {
    // Token counts before truncation, only to report which texts were cut (cheap next to inference).
    const truncated = texts.map((t) => extractor.tokenizer.encode(t).length > maxTokens);
    const out = await extractor(texts, { pooling: "mean", normalize: true });
    const vectors = out.data instanceof Float32Array ? new Float32Array(out.data) : Float32Array.from(out.data);
    return { vectors, truncated };
  }

  return {
    dimensions,
    maxInputTokens: maxTokens,
    source: local ? local.dir : `${env.remoteHost}${spec.hubModel}`,
    embed,
  };
}
