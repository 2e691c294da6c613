// Load test for any Helix (or other OpenAI-compatible) URL with autocannon: chat completions,
// streamed or not, unique prompts by default so the cache does not answer everything.
//
//   npx tsx tests/performance/load.ts --url http://localhost:4000 --key sk-... [--stream]
//     [--connections 10] [--duration 30] [--model gpt-4o-mini] [--cache-hits] [--json]
//
// See tests/performance/README.md. Exits 1 when more than --max-error-rate of requests failed.
import autocannon from "autocannon";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export interface LoadOptions {
  url: string;
  key?: string;
  model: string;
  stream: boolean;
  connections: number;
  duration: number;
  /** Every request asks the same question (measures cache hits) instead of a unique one. */
  cacheHits: boolean;
  maxTokens: number;
  /** Fraction of requests allowed to fail (non-2xx, errors, timeouts) before the run fails. */
  maxErrorRate: number;
  /** Seconds before a request counts as timed out. */
  timeout: number;
  json: boolean;
}

export interface LoadSummary {
  url: string;
  stream: boolean;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  errorRate: number;
  passed: boolean;
}

const USAGE = `Usage: npx tsx tests/performance/load.ts --url <helix base URL> [--key <api key>] [--stream]
  [--connections N=10] [--duration S=30] [--model NAME=gpt-4o-mini] [--max-tokens N=64]
  [--cache-hits] [--timeout S=120] [--max-error-rate F=0.01] [--json]`;

export function parseLoadArgs(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      model: { type: "string", default: "gpt-4o-mini" },
      stream: { type: "boolean", default: false },
      connections: { type: "string", short: "c", default: "10" },
      duration: { type: "string", short: "d", default: "30" },
      "cache-hits": { type: "boolean", default: false },
      "max-tokens": { type: "string", default: "64" },
      "max-error-rate": { type: "string", default: "0.01" },
      timeout: { type: "string", default: "120" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError("");
  if (!values.url) throw new UsageError("--url is required");
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url ${values.url} is not a URL`);
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got ${v}`);
    return n;
  };
  return {
    // Accept both http://host:4000 and http://host:4000/v1 (what SDKs call the base URL).
    url: url.href.replace(/\/+$/, "").replace(/\/v1$/, ""),
    key: values.key,
    model: values.model!,
    stream: values.stream!,
    connections: Math.floor(num("connections", values.connections!, 1)),
    duration: num("duration", values.duration!, 1),
    cacheHits: values["cache-hits"]!,
    maxTokens: Math.floor(num("max-tokens", values["max-tokens"]!, 1)),
    maxErrorRate: num("max-error-rate", values["max-error-rate"]!, 0),
    timeout: num("timeout", values.timeout!, 1),
    json: values.json!,
  };
}

export class UsageError extends Error {}

/** The chat request body; unique prompts defeat the exact and semantic caches. */
export function chatBody(opts: Pick<LoadOptions, "model" | "stream" | "maxTokens" | "cacheHits">, n: number): string {
  const question = opts.cacheHits ? "What is the capital of France?" : `Request ${n} (${randomUUID()}): name a prime number above ${1000 + n}.`;
  return JSON.stringify({
    model: opts.model,
    messages: [{ role: "user", content: question }],
    max_tokens: opts.maxTokens,
    stream: opts.stream,
    ...(opts.stream ? { stream_options: { include_usage: true } } : {}),
  });
}

export async function runLoadTest(opts: LoadOptions): Promise<LoadSummary> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let n = 0;
  const result = await autocannon({
    url: `${opts.url}/v1/chat/completions`,
    connections: opts.connections,
    duration: opts.duration,
    timeout: opts.timeout,
    requests: [
      {
        method: "POST",
        headers,
        setupRequest: (req) => ({ ...req, method: "POST", headers, body: chatBody(opts, n++) }),
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const ok = result["2xx"];
  const total = ok + result.non2xx + result.errors + result.timeouts;
  const errorRate = total === 0 ? 1 : (result.non2xx + result.errors + result.timeouts) / total;
  return {
    url: opts.url,
    stream: opts.stream,
    connections: opts.connections,
    durationSeconds: result.duration,
    requests: ok + result.non2xx,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    errorRate,
    passed: total > 0 && errorRate <= opts.maxErrorRate,
  };
}

export function formatSummary(s: LoadSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return [
    `Helix load test: ${s.url}/v1/chat/completions (${s.stream ? "streamed" : "non-streamed"}, ${s.connections} connections, ${s.durationSeconds.toFixed(1)} s)`,
    `  requests      ${s.requests} (${s.ok} 2xx), ${s.requestsPerSecond.toFixed(1)} req/s`,
    `  latency (ms)  p50 ${s.latencyMs.p50}  p90 ${s.latencyMs.p90}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max}  mean ${s.latencyMs.mean.toFixed(1)}`,
    `  status codes  ${Object.entries(s.statusCodes).map(([c, k]) => `${c}: ${k}`).join(", ") || "none"}`,
    `  failures      ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts (${pct(s.errorRate)})`,
    `  result        ${s.passed ? "PASS" : "FAIL"}`,
  ].join("\n");
}

async function main(): Promise<void> {
  let opts: LoadOptions;
  try {
    opts = parseLoadArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      if ((err as Error).message) console.error((err as Error).message);
      console.error(USAGE);
      process.exit((err as Error).message ? 2 : 0);
    }
    throw err;
  }
  if (!opts.json) console.error(`Running for ${opts.duration} s against ${opts.url} ...`);
  const summary = await runLoadTest(opts);
  console.log(opts.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  process.exit(summary.passed ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
