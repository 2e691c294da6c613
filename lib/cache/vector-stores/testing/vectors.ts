// Deterministic unit vectors for tests and the benchmark (a seeded PRNG: failures reproduce).

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function randomUnit(dims: number, next: () => number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = next() * 2 - 1;
  return normalise(v);
}

/** `base` moved a little in a random direction (similarity to base stays high). */
export function nudge(base: Float32Array, amount: number, next: () => number): Float32Array {
  const v = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) v[i] = base[i] + (next() * 2 - 1) * amount;
  return normalise(v);
}

/** e_i: unit vector along axis i, handy for exact similarities (orthogonal = 0, opposite = -1). */
export function axis(dims: number, i: number, sign = 1): Float32Array {
  const v = new Float32Array(dims);
  v[i] = sign;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
