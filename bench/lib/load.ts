// The closed-loop load the latency benchmarks share: `concurrency` clients, each sending the next
// request as soon as its previous answer is read, over keep-alive connections.
import { Agent, request } from "undici";

export interface Result {
  p50: number;
  p99: number;
  rps: number;
}

export interface LoadOptions {
  concurrency: number;
  headers?: Record<string, string>;
  /** Rewrites each body (e.g. a unique nonce per request). */
  body?: (body: string) => string;
}

export function loadClient(concurrency: number): Agent {
  return new Agent({ connections: concurrency * 2, keepAliveTimeout: 30_000 });
}

async function once(dispatcher: Agent, url: string, body: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const res = await request(url, { method: "POST", dispatcher, headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return performance.now() - t0;
}

/** n requests to `url`; latency percentiles (ms) and throughput. */
export async function measure(dispatcher: Agent, url: string, body: string, n: number, opts: LoadOptions): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < n) {
        next++;
        latencies.push(await once(dispatcher, url, opts.body ? opts.body(body) : body, { authorization: "Bearer sk-bench", ...opts.headers }));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((x, y) => x - y);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { p50: q(0.5), p99: q(0.99), rps: n / seconds };
}

export const fmt = (n: number) => n.toFixed(2);
