// Test-only models for the embed worker (enabled by the pool's enableTestModels): deterministic
// vectors with a configurable CPU-bound delay, and one that crashes the worker, so pool tests
// can check batching, restarts and off-thread execution without real weights.
import { createHash } from "node:crypto";

export function loadTestModel(spec) {
  if (spec.kind === "test-crash") {
    return {
      dimensions: 4,
      maxInputTokens: 16,
      source: "test",
      embed() {
        // An uncaught exception, as a native crash or a bug in a model would raise.
        setImmediate(() => {
          throw new Error("test-crash model: crashing the embed worker on purpose");
        });
        return new Promise(() => {});
      },
    };
  }
  const dims = spec.dimensions;
  return {
    dimensions: dims,
    maxInputTokens: 16,
    source: "test",
    async embed(texts) {
      // Block the thread like real inference does, so "the request thread keeps ticking" means something.
      const until = performance.now() + spec.busyMs;
      while (performance.now() < until);
      const vectors = new Float32Array(texts.length * dims);
      texts.forEach((t, row) => {
        const h = createHash("sha256").update(t).digest();
        let norm = 0;
        for (let i = 0; i < dims; i++) {
          const v = h[i % h.length] / 255 - 0.5 + 1e-3;
          vectors[row * dims + i] = v;
          norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (let i = 0; i < dims; i++) vectors[row * dims + i] /= norm;
      });
      return { vectors, truncated: texts.map((t) => t.split(/\s+/).length > 16) };
    },
  };
}
