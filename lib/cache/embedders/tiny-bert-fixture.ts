// Test fixture: a tiny BERT-shaped model folder in the layout transformers.js loads
// (config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx), so the MiniLM
// loader runs for real (onnxruntime-node, tokenizer, mean pooling) without the 23 MB weights
// that cannot be downloaded here. The ONNX graph is just embeddings: last_hidden_state =
// word_embeddings[input_ids] + type_embeddings[token_type_ids]; tests can compute the expected
// sentence vector by hand. onnx-proto (protobufjs code for onnx.proto) comes with
// @xenova/transformers → onnxruntime-web.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import onnxProto, { type onnx as OnnxTypes } from "onnx-proto";
import { mulberry32 } from "@/test/support/prng";

// onnx-proto is CommonJS; a default import works under Node's ESM loader as well as in vitest.
const { onnx } = onnxProto;

export const TINY_HIDDEN = 8;
const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS = "how do i reset my password what are the steps to change is capital of france ? word . , a".split(" ");

export interface TinyBert {
  dir: string;
  vocab: Record<string, number>;
  wordEmbeddings: Float32Array[];
  typeEmbeddings: Float32Array[];
}

/** Deterministic pseudo-random floats in [-0.5, 0.5) so the fixture is the same on every run. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() - 0.5;
}

function tensor(name: string, rows: Float32Array[]): OnnxTypes.ITensorProto {
  const flat = new Float32Array(rows.length * TINY_HIDDEN);
  rows.forEach((r, i) => flat.set(r, i * TINY_HIDDEN));
  return { name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [rows.length, TINY_HIDDEN], rawData: new Uint8Array(flat.buffer) };
}

function int64Input(name: string): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: "batch" }, { dimParam: "sequence" }] } } },
  };
}

/** Writes `<root>/<name>/…` and returns what a test needs to predict the vectors. */
export async function writeTinyBert(root: string, name: string): Promise<TinyBert> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, "onnx"), { recursive: true });
  const tokens = [...SPECIAL, ...WORDS];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const rand = rng(42);
  const row = () => Float32Array.from({ length: TINY_HIDDEN }, rand);
  const wordEmbeddings = tokens.map(row);
  const typeEmbeddings = [row(), row()];

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "helix-tiny-bert-fixture",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny-bert",
      input: [int64Input("input_ids"), int64Input("attention_mask"), int64Input("token_type_ids")],
      initializer: [tensor("word_embeddings", wordEmbeddings), tensor("type_embeddings", typeEmbeddings)],
      node: [
        { opType: "Gather", input: ["word_embeddings", "input_ids"], output: ["words"], name: "gather_words" },
        { opType: "Gather", input: ["type_embeddings", "token_type_ids"], output: ["types"], name: "gather_types" },
        { opType: "Add", input: ["words", "types"], output: ["last_hidden_state"], name: "add" },
      ],
      output: [
        {
          name: "last_hidden_state",
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: { dim: [{ dimParam: "batch" }, { dimParam: "sequence" }, { dimValue: TINY_HIDDEN }] },
            },
          },
        },
      ],
    },
  });
  await writeFile(path.join(dir, "onnx", "model_quantized.onnx"), onnx.ModelProto.encode(model).finish());

  const special = (t: string) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
  await writeFile(path.join(dir, "tokenizer.json"), JSON.stringify(tokenizer));
  await writeFile(
    path.join(dir, "tokenizer_config.json"),
    JSON.stringify({
      tokenizer_class: "BertTokenizer",
      model_max_length: 512,
      do_lower_case: true,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    }),
  );
  await writeFile(
    path.join(dir, "config.json"),
    JSON.stringify({ model_type: "bert", architectures: ["BertModel"], hidden_size: TINY_HIDDEN, vocab_size: tokens.length, max_position_embeddings: 512, type_vocab_size: 2 }),
  );
  return { dir, vocab, wordEmbeddings, typeEmbeddings };
}

/** What the loader should produce for `words` (already lower-case, in the vocabulary): mean of [CLS] w… [SEP], normalised. */
export function expectedVector(m: TinyBert, words: string[], opts: { sep?: boolean } = {}): Float32Array {
  const ids = [m.vocab["[CLS]"], ...words.map((w) => m.vocab[w] ?? m.vocab["[UNK]"])];
  if (opts.sep ?? true) ids.push(m.vocab["[SEP]"]);
  const sum = new Float64Array(TINY_HIDDEN);
  for (const id of ids) for (let k = 0; k < TINY_HIDDEN; k++) sum[k] += m.wordEmbeddings[id][k] + m.typeEmbeddings[0][k];
  const mean = Array.from(sum, (s) => s / ids.length);
  const norm = Math.hypot(...mean);
  return Float32Array.from(mean, (x) => x / norm);
}
