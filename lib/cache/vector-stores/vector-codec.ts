// Wire formats for vectors: pgvector's text literal and RediSearch's FLOAT32 blob.
import "server-only";

/** '[0.1,0.2,...]' for a `$n::vector` parameter. String(x) round-trips every float32 exactly. */
export function toPgVectorLiteral(v: Float32Array): string {
  let s = "[";
  for (let i = 0; i < v.length; i++) s += (i ? "," : "") + String(v[i]);
  return s + "]";
}

/** Little-endian FLOAT32 bytes, as RediSearch's `TYPE FLOAT32` expects (whatever the host order). */
export function toFloat32Blob(v: Float32Array): Buffer {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf;
}

export function fromFloat32Blob(buf: Buffer): Float32Array {
  if (buf.length % 4 !== 0) throw new Error(`a FLOAT32 blob has a multiple of 4 bytes, got ${buf.length}`);
  const v = new Float32Array(buf.length / 4);
  for (let i = 0; i < v.length; i++) v[i] = buf.readFloatLE(i * 4);
  return v;
}
