// k6 load test for any Helix (or OpenAI-compatible) URL: chat completions, optionally streamed.
//
//   k6 run -e HELIX_URL=http://localhost:4000 -e HELIX_KEY=sk-... tests/performance/k6.js
//   k6 run -e HELIX_URL=... -e HELIX_KEY=... -e STREAM=true -e VUS=20 -e DURATION=2m tests/performance/k6.js
//
// Env: HELIX_URL (required), HELIX_KEY, MODEL (gpt-4o-mini), STREAM (false), VUS (10),
// DURATION (30s), MAX_TOKENS (64), CACHE_HITS (false: every prompt unique, so the cache does not
// answer them). Thresholds fail the run above 1% failed requests or a p95 above P95_MS (10000).
import http from "k6/http";
import { check } from "k6";
import { Counter } from "k6/metrics";

const BASE = (__ENV.HELIX_URL || "").replace(/\/+$/, "").replace(/\/v1$/, "");
const KEY = __ENV.HELIX_KEY || "";
const MODEL = __ENV.MODEL || "gpt-4o-mini";
const STREAM = __ENV.STREAM === "true";
const CACHE_HITS = __ENV.CACHE_HITS === "true";
const MAX_TOKENS = Number(__ENV.MAX_TOKENS || 64);

// Responses by Helix cache status (x-helix-cache: HIT, SEMANTIC_HIT, MISS, ...).
const cacheStatus = new Counter("helix_cache_status");

export const options = {
  vus: Number(__ENV.VUS || 10),
  duration: __ENV.DURATION || "30s",
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: [`p(95)<${Number(__ENV.P95_MS || 10000)}`],
  },
};

export function setup() {
  if (!BASE) throw new Error("set HELIX_URL, e.g. -e HELIX_URL=http://localhost:4000");
  const health = http.get(`${BASE}/health`);
  if (health.status !== 200) throw new Error(`${BASE}/health answered ${health.status}`);
}

export default function chatCompletion() {
  const question = CACHE_HITS
    ? "What is the capital of France?"
    : `Request ${__VU}-${__ITER}-${Date.now()}: name a prime number above ${1000 + __ITER}.`;
  const body = {
    model: MODEL,
    messages: [{ role: "user", content: question }],
    max_tokens: MAX_TOKENS,
    stream: STREAM,
  };
  if (STREAM) body.stream_options = { include_usage: true };
  const headers = { "content-type": "application/json" };
  if (KEY) headers.authorization = `Bearer ${KEY}`;
  // k6 reads the whole response; for a stream, http_req_duration is the time to the last chunk.
  const res = http.post(`${BASE}/v1/chat/completions`, JSON.stringify(body), { headers, timeout: "120s" });
  check(res, {
    "status is 200": (r) => r.status === 200,
    "has an answer": (r) => (STREAM ? r.body.includes("data: [DONE]") : r.body.includes('"choices"')),
  });
  const cache = res.headers["X-Helix-Cache"] || res.headers["x-helix-cache"];
  if (cache) cacheStatus.add(1, { status: cache });
}
