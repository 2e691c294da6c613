# syntax=docker/dockerfile:1
# Helix gateway + dashboard image.
#
#   docker build -t helix .
#   docker build --build-arg DOWNLOAD_EMBEDDING_MODEL=true -t helix .   # bake all-MiniLM-L6-v2 in
#
# Not Next's `output: "standalone"`: Helix runs its own server.mjs (Next plus the /v1 fast path;
# what `npm start`, scripts/start.ts, and the e2e helper e2e/support/helix-server.ts run), which a
# standalone build cannot host, and the app loads files the standalone tracer does not see (the
# embed worker lib/cache/embedders/*.mjs and its models, prisma/migrations, native/wasm packages).
# So the runtime image gets the build (.next) plus production node_modules and runs server.mjs,
# exactly like `npm start` does.
#
# Debian (glibc) rather than Alpine: onnxruntime-node (MiniLM) ships glibc binaries only.

ARG NODE_VERSION=22

# ---- deps: all dependencies (dev ones are needed to build) ------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# postinstall generates the Prisma client (scripts/prisma-generate.ts, offline), hence the schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund

# ---- build: next build, then drop dev dependencies ----------------------------------------------
FROM deps AS build
COPY . .
RUN npx next build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .next/cache

# ---- model: optionally bake the MiniLM embedding model in (needs network at build time) ---------
# Off by default. At run time Helix only reads HELIX_MODEL_DIR; without the weights it tries the
# Hugging Face hub (HELIX_EMBEDDINGS_OFFLINE=true stops that) and else falls back to the bundled
# use-lite model, which /health/readiness reports.
FROM node:${NODE_VERSION}-bookworm-slim AS model
ARG DOWNLOAD_EMBEDDING_MODEL=false
ARG EMBEDDING_MODEL_HUB=https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main
RUN mkdir -p /models/all-MiniLM-L6-v2/onnx && if [ "$DOWNLOAD_EMBEDDING_MODEL" = "true" ]; then \
      node -e 'const fs=require("fs");const base=process.argv[1];(async()=>{for(const f of ["config.json","tokenizer.json","tokenizer_config.json","onnx/model_quantized.onnx"]){const r=await fetch(`${base}/${f}`);if(!r.ok)throw new Error(`${f}: HTTP ${r.status}`);fs.writeFileSync(`/models/all-MiniLM-L6-v2/${f}`,Buffer.from(await r.arrayBuffer()));console.log("downloaded",f)}})().catch(e=>{console.error(e);process.exit(1)})' "$EMBEDDING_MODEL_HUB"; \
    else rmdir /models/all-MiniLM-L6-v2/onnx /models/all-MiniLM-L6-v2; fi

# ---- runtime --------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NEXT_MANUAL_SIG_HANDLE=true \
    PORT=4000 \
    HOST=0.0.0.0 \
    HELIX_DATA_DIR=/data \
    HELIX_MODEL_DIR=/app/models

# Application files stay root-owned (read-only for the app); only /data and the model folder
# (where a hub download would be cached) belong to the unprivileged `node` user (uid 1000).
COPY --from=build /app/package.json /app/next.config.ts /app/server.mjs ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/prisma/migrations ./prisma/migrations
# The embed worker is loaded from <cwd>/lib/cache/embedders at run time, never bundled.
COPY --from=build /app/lib/cache/embedders/*.mjs ./lib/cache/embedders/
COPY --from=build /app/config/helix.example.yaml ./config/helix.example.yaml
COPY --from=model --chown=node:node /models ./models
RUN mkdir -p /data /app/.next/cache && chown node:node /data /app/.next/cache

USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT||4000}/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Helix drains in-flight requests and flushes logs on SIGTERM itself (lib/startup.ts).
CMD ["sh", "-c", "exec node server.mjs -p \"$PORT\" -H \"$HOST\""]
