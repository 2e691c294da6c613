// Deterministic embeddings: the same text always maps to the same unit vector, different texts
// to different ones, so cache tests can reason about them without a model.
import { createHash } from "node:crypto";

export const DEFAULT_EMBEDDING_DIMS = 8;

/** Unit-length vector from a hash of the text; values are float32-exact so base64 round-trips. */
export function embed(text: string, dims: number = DEFAULT_EMBEDDING_DIMS): number[] {
  const raw = new Float32Array(dims);
  let block = 0;
  let buf = createHash("sha256").update(text).digest();
  for (let i = 0; i < dims; i++) {
    const off = (i % 8) * 4;
    if (i > 0 && off === 0) buf = createHash("sha256").update(`${++block}:${text}`).digest();
    raw[i] = buf.readUInt32LE(off) / 0xffffffff - 0.5;
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += raw[i] * raw[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = raw[i] / norm;
  return Array.from(out);
}

/** OpenAI's base64 encoding: the float32 array, little-endian, as base64. */
export function toBase64Float32(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i], i * 4);
  return buf.toString("base64");
}
