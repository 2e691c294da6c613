// The embed worker: runs model inference off the request thread. Plain .mjs that imports only
// Node built-ins, node_modules and its sibling .mjs files, so it runs as-is from the source tree
// under `next start` (Next bundles TypeScript, never this file). Message shapes: worker-protocol.ts.
import { parentPort, workerData } from "node:worker_threads";

if (!parentPort) throw new Error("embed-worker.mjs must run in a worker thread");
const port = parentPort;
const enableTestModels = Boolean(workerData?.enableTestModels);

/** key → { spec (JSON), model: Promise of { dimensions, maxInputTokens, source, embed(texts) } }. */
const models = new Map();

class UnavailableError extends Error {}

async function loadModel(spec) {
  switch (spec.kind) {
    case "use-lite": {
      const { loadUseLite } = await import("./use-lite-model.mjs");
      return loadUseLite();
    }
    case "minilm": {
      const { loadMiniLM, MiniLMUnavailableError } = await import("./minilm-model.mjs");
      try {
        return await loadMiniLM(spec);
      } catch (err) {
        if (err instanceof MiniLMUnavailableError) throw new UnavailableError(err.message);
        throw err;
      }
    }
    case "test-hash":
    case "test-crash": {
      if (!enableTestModels) throw new Error(`model kind '${spec.kind}' is only available in tests`);
      const { loadTestModel } = await import("./test-models.mjs");
      return loadTestModel(spec);
    }
    default:
      throw new Error(`unknown model kind '${spec.kind}'`);
  }
}

function replyError(id, err, code) {
  const message = err instanceof Error ? err.message : String(err);
  port.postMessage({ type: "error", id, message, code });
}

async function onLoad(msg) {
  const { spec } = msg;
  const started = performance.now();
  const specJson = JSON.stringify(spec);
  let entry = models.get(spec.key);
  // A key loaded with other settings is replaced (the old model is left to the GC).
  if (!entry || entry.spec !== specJson) {
    entry = { spec: specJson, model: loadModel(spec) };
    models.set(spec.key, entry);
  }
  const pending = entry.model;
  try {
    const m = await pending;
    port.postMessage({
      type: "loaded",
      id: msg.id,
      info: { key: spec.key, dimensions: m.dimensions, maxInputTokens: m.maxInputTokens, loadMs: performance.now() - started, source: m.source },
    });
  } catch (err) {
    // Forget a failed load so a later attempt (e.g. after the weights were copied in) can retry.
    if (models.get(spec.key) === entry) models.delete(spec.key);
    replyError(msg.id, err, err instanceof UnavailableError ? "unavailable" : "failed");
  }
}

async function onEmbed(msg) {
  const pending = models.get(msg.key)?.model;
  if (!pending) return replyError(msg.id, new Error(`model '${msg.key}' is not loaded in the embed worker`), "not_loaded");
  try {
    const m = await pending;
    const started = performance.now();
    const { vectors, truncated } = await m.embed(msg.texts);
    const ms = performance.now() - started;
    // Transfer, not copy: the buffer is ours alone.
    port.postMessage({ type: "embedded", id: msg.id, vectors, dimensions: m.dimensions, truncated, ms }, [vectors.buffer]);
  } catch (err) {
    replyError(msg.id, err, "failed");
  }
}

port.on("message", (msg) => {
  if (msg.type === "load") void onLoad(msg);
  else if (msg.type === "embed") void onEmbed(msg);
});
