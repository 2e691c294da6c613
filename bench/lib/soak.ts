// The soak run shared by `npm run soak` (bench/soak.ts) and its shortened CI form (e2e/soak.spec.ts):
// N concurrent streaming clients against Helix in front of a fake upstream with model-like latency,
// for a fixed time, while the Helix server process's memory is sampled; then every request must
// have its request_logs row. One code path, so the CI run checks what the documented run measures.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import pg from "pg";
import { startHelix, type HelixServer } from "../../e2e/support/helix-server";
import { spawnFakeUpstream } from "../../test/fake-upstream/spawn";

export interface SoakOptions {
  clients: number;
  durationMs: number;
  /** The clients' first requests are spread over this long (a burst of new connections is its own test). */
  rampMs: number;
  /** Load before the measured duration whose samples the RSS criterion ignores (start-up ramp). */
  warmupMs: number;
  /** How often the server's memory is sampled. */
  sampleMs: number;
  /** Production mode (request logs in this PostgreSQL; best a fresh database) instead of embedded PGlite. */
  databaseUrl?: string;
  redisUrl?: string;
  /**
   * The exact cache's in-process memory cap (cache.max_memory_bytes; default 256 MB). Unique prompts
   * fill it at a steady pace, so with the default the run would mostly watch a cache filling up to
   * its configured bound; a smaller cap is reached early and leaves the growth nothing bounds.
   */
  cacheMemoryMb: number;
  /** Share of requests that repeat one of a few fixed prompts (cache hits, reported apart). */
  repeatShare: number;
  /** RSS criterion: last-third max may exceed first-third max by at most this fraction. */
  maxRssGrowth: number;
  log: (line: string) => void;
}

export const SOAK_DEFAULTS: Omit<SoakOptions, "clients" | "durationMs" | "log"> = {
  warmupMs: 0,
  rampMs: 1_000,
  sampleMs: 10_000,
  cacheMemoryMb: 8,
  repeatShare: 0.05,
  maxRssGrowth: 0.2,
};

export interface MemorySample {
  /** Seconds since the load started. */
  t: number;
  rssMb: number;
  /** V8 heap in use, from Helix's own /metrics (null when the scrape failed). */
  heapUsedMb: number | null;
  /** Streams completed in the interval before this sample, per second. */
  rps: number;
  inFlight: number;
  ttftP50Ms: number | null;
}

export interface SoakResult {
  clients: number;
  seconds: number;
  /** Samples before this (seconds) are not part of the RSS criterion. */
  warmupSeconds: number;
  mode: string;
  samples: MemorySample[];
  sent: number;
  completed: number;
  errors: Record<string, number>;
  errorExamples: string[];
  ttftP50Ms: number;
  ttftP99Ms: number;
  /** The same over requests sent after the first third of the run (start-up and first wave excluded). */
  steadyTtftP50Ms: number;
  steadyTtftP99Ms: number;
  /** Streamed content chunks received (the fake upstream sends one word per chunk). */
  tokens: number;
  /** Completed streams by x-helix-cache (MISS, HIT, SEMANTIC_HIT, …). */
  cache: Record<string, number>;
  logs: number;
  /** Requests whose x-helix-request-id has no request_logs row. */
  missingLogs: number;
  /** The server's listen backlog (null when `ss` is not installed). */
  listenBacklog: number | null;
  /** Connections the kernel dropped meanwhile because a listen queue was full (machine-wide). */
  listenOverflows: number;
  /** The slowest streams to their first token: client-side TTFT vs what Helix logged. */
  slowest: Array<{ ttftMs: number; sentAtS: number; logged?: { latencyMs: number; ttftMs: number | null } }>;
  rss: { startMb: number; firstThirdMaxMb: number; lastThirdMaxMb: number; maxMb: number; growth: number; lastHalfSlopeMbPerMin: number };
  verdict: { zeroErrors: boolean; rssBounded: boolean; logsMatch: boolean; passed: boolean };
}

const TOPICS = ["caching", "retries", "budgets", "streaming", "routing", "fallbacks", "redaction", "rate limits", "observability", "tenancy", "timeouts", "pricing"];
const ASKS = ["Explain", "Summarise", "Describe", "Compare the trade-offs of", "Give an example of", "List the risks of"];
const AUDIENCES = ["a new engineer", "an operator on call", "a product manager", "a security reviewer", "a student"];

const pick = <T>(a: readonly T[]): T => a[Math.floor(Math.random() * a.length)];
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/**
 * Model-like latency through the fake upstream's directives: 300–800 ms to the first token, then
 * 40–100 words at 20–40 ms each. The text varies in words, not only in a counter, so the semantic
 * cache sees distinct questions (and its guard vetoes near-duplicates that differ in numbers).
 */
function uniquePrompt(client: number, n: number): string {
  return (
    `${pick(ASKS)} ${pick(TOPICS)} and ${pick(TOPICS)} in an LLM gateway for ${pick(AUDIENCES)}, request ${client}.${n}. ` +
    `[[delay:${between(300, 800)}]] [[chunk-delay:${between(20, 40)}]] [[words:${between(40, 100)}]]`
  );
}

// A few fixed prompts (with fixed latency) that repeat: exact-cache hits after their first miss.
const REPEATS = TOPICS.slice(0, 4).map((t) => `What does ${t} mean in an LLM gateway? [[delay:500]] [[chunk-delay:30]] [[words:60]]`);

function body(prompt: string): string {
  return JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: prompt }] });
}

function writeSoakConfig(cacheMemoryMb: number): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "helix-soak-cfg-")), "helix.yaml");
  writeFileSync(
    file,
    `helix_settings:
  cache: {max_memory_bytes: ${cacheMemoryMb * 1024 * 1024}}
model_list:
  - model_name: gpt-4o-mini
    provider: openai
`,
  );
  return file;
}

// ---- the server process's memory ------------------------------------------------------------

function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command (which may hold spaces) in parentheses: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

export function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server may run in the spawned process or in a child it forks (as `next start` does); it is
 * the process holding the most memory among the spawned one and its descendants.
 */
export function serverPid(rootPid: number): number {
  const all = [rootPid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all.reduce((best, p) => ((rssKb(p) ?? 0) > (rssKb(best) ?? 0) ? p : best), rootPid);
}

async function heapUsedMb(url: string): Promise<number | null> {
  try {
    // A saturated server answers its scrape late; a late figure is still a figure.
    const r = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(60_000) });
    const m = /^helix_nodejs_heap_size_used_bytes\s+([\d.e+]+)/m.exec(await r.text());
    return m ? Number(m[1]) / 1024 / 1024 : null;
  } catch {
    return null;
  }
}

/** The listening socket's backlog as the kernel reports it (`ss`: Send-Q), or null without `ss`. */
export function listenBacklog(port: number): number | null {
  try {
    const n = Number(execFileSync("ss", ["-ltnH", `sport = :${port}`]).toString().trim().split(/\s+/)[2]);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/** The kernel's count of connections dropped because a listen queue was full (all sockets). */
export function listenOverflows(): number {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:"));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    return Number(values[names.indexOf("ListenOverflows")] ?? 0);
  } catch {
    return 0;
  }
}

// ---- counting request logs ------------------------------------------------------------------

interface LoggedRequest {
  latencyMs: number;
  ttftMs: number | null;
}

const LOG_SQL = "SELECT id, latency_ms, ttft_ms FROM request_logs";
type LogRow = { id: string; latency_ms: number; ttft_ms: number | null };
const byId = (rows: LogRow[]) => new Map(rows.map((r) => [String(r.id), { latencyMs: r.latency_ms, ttftMs: r.ttft_ms }]));

interface LogCounter {
  /** Rows already there before the run (PostgreSQL may be shared with earlier runs). */
  baseline(): Promise<number>;
  /** request_logs rows by id now (after Helix stopped, for PGlite). */
  ids(): Promise<Map<string, LoggedRequest>>;
}

function logCounter(databaseUrl: string | undefined, dataDir: string): LogCounter {
  if (databaseUrl) {
    const query = async (sql: string) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    };
    return {
      baseline: async () => Number((await query("SELECT count(*)::int AS n FROM request_logs").catch(() => [{ n: 0 }]))[0].n),
      ids: async () => byId((await query(LOG_SQL)) as LogRow[]),
    };
  }
  return {
    baseline: async () => 0, // a fresh data dir
    ids: async () => {
      // Embedded mode: PGlite allows one process; Helix has stopped (and flushed) by now.
      const [{ PGlite }, { vector }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-pgvector")]);
      const db = await PGlite.create({ dataDir: path.join(dataDir, "pgdata"), extensions: { vector } });
      try {
        return byId((await db.query<LogRow>(LOG_SQL)).rows);
      } finally {
        await db.close();
      }
    },
  };
}

// ---- statistics -----------------------------------------------------------------------------

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Memory is bounded when it levels off: the highest RSS in the last third of the run is at most
 * `maxGrowth` above the highest in the first third (which already holds the warm-up: JIT, pools,
 * buffers and the capped cache filling). A leak of a fixed size per request grows with the
 * request count and fails this; a level that is merely noisy does not.
 */
export function rssSummary(samples: MemorySample[], maxGrowth: number, warmupSeconds = 0): SoakResult["rss"] & { bounded: boolean } {
  const loaded = samples.filter((s) => s.t > 0 && s.t >= warmupSeconds);
  const third = Math.max(1, Math.floor(loaded.length / 3));
  const firstThirdMaxMb = Math.max(...loaded.slice(0, third).map((s) => s.rssMb));
  const lastThirdMaxMb = Math.max(...loaded.slice(-third).map((s) => s.rssMb));
  const growth = lastThirdMaxMb / firstThirdMaxMb - 1;
  const lastHalf = loaded.slice(Math.floor(loaded.length / 2));
  return {
    startMb: samples[0]?.rssMb ?? NaN,
    firstThirdMaxMb,
    lastThirdMaxMb,
    maxMb: Math.max(...samples.map((s) => s.rssMb)),
    growth,
    lastHalfSlopeMbPerMin: slope(lastHalf.map((s) => [s.t / 60, s.rssMb])),
    bounded: loaded.length >= 3 && growth <= maxGrowth,
  };
}

// ---- the run --------------------------------------------------------------------------------

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const fake = await spawnFakeUpstream(["--no-record"]);
  const dataDir = mkdtempSync(path.join(tmpdir(), "helix-soak-"));
  const counter = logCounter(o.databaseUrl, dataDir);
  const baseline = await counter.baseline();
  let helix: HelixServer | undefined;
  // One keep-alive socket per client; generous timeouts: on a saturated machine a slow stream is
  // a latency figure, and only a gateway timeout or a broken stream counts as an error.
  const agent = new Agent({ connections: o.clients, keepAliveTimeout: 60_000, headersTimeout: 300_000, bodyTimeout: 300_000 });
  let sampling = true;
  let timer: NodeJS.Timeout | undefined;
  try {
    helix = await startHelix({
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: "sk-fake",
      HELIX_DATA_DIR: dataDir,
      HELIX_LOG_FLUSH_MS: "500",
      HELIX_CONFIG: writeSoakConfig(o.cacheMemoryMb),
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: o.redisUrl,
    });
    const pid = serverPid(helix.pid);
    const url = helix.url;
    const backlog = listenBacklog(Number(new URL(url).port));
    const endpoint = `${helix.baseURL}/chat/completions`;
    o.log(`helix pid ${pid} (spawned ${helix.pid}) at ${url}; fake upstream at ${fake.url}; ${o.clients} clients for ${(o.warmupMs + o.durationMs) / 1000} s`);

    let sent = 0;
    let completed = 0;
    let inFlight = 0;
    let tokens = 0;
    const errors: Record<string, number> = {};
    const errorExamples: string[] = [];
    const cache: Record<string, number> = {};
    const requestIds: string[] = [];
    const ttfts: number[] = [];
    const firstTokens: Array<{ id: string; ttft: number; sentAt: number }> = [];
    let windowTtfts: number[] = [];
    let windowCompleted = 0;
    const fail = (kind: string, detail: string) => {
      errors[kind] = (errors[kind] ?? 0) + 1;
      if (errorExamples.length < 10) errorExamples.push(`${kind}: ${detail.slice(0, 300)}`);
    };

    let tStart = performance.now();
    async function oneStream(client: number, n: number): Promise<void> {
      const prompt = Math.random() < o.repeatShare ? pick(REPEATS) : uniquePrompt(client, n);
      const t0 = performance.now();
      sent++;
      inFlight++;
      try {
        const res = await request(endpoint, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json", authorization: "Bearer sk-soak" },
          body: body(prompt),
        });
        const id = res.headers["x-helix-request-id"];
        if (typeof id === "string") requestIds.push(id);
        if (res.statusCode !== 200) {
          fail(`http ${res.statusCode}`, await res.body.text());
          return;
        }
        let buf = "";
        let first = true;
        let done = false;
        let chunks = 0;
        for await (const part of res.body) {
          buf += part.toString();
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const event = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!event.startsWith("data: ")) continue;
            const data = event.slice(6);
            if (data === "[DONE]") {
              done = true;
              continue;
            }
            const json = JSON.parse(data) as { error?: { type?: string; message?: string }; choices?: Array<{ delta?: { content?: string } }> };
            if (json.error) throw Object.assign(new Error(json.error.message ?? "error event"), { kind: `stream error ${json.error.type ?? ""}`.trim() });
            if (json.choices?.[0]?.delta?.content) {
              chunks++;
              if (first) {
                first = false;
                const ttft = performance.now() - t0;
                ttfts.push(ttft);
                windowTtfts.push(ttft);
                firstTokens.push({ id: String(id), ttft, sentAt: Math.round((t0 - tStart) / 1000) });
              }
            }
          }
        }
        if (!done) return fail("stream ended without [DONE]", `${chunks} chunks`);
        if (chunks === 0) return fail("stream without content", prompt);
        tokens += chunks;
        completed++;
        windowCompleted++;
        const c = String(res.headers["x-helix-cache"] ?? "none");
        cache[c] = (cache[c] ?? 0) + 1;
      } catch (err) {
        const e = err as Error & { code?: string; kind?: string };
        fail(e.kind ?? e.code ?? e.name, e.message);
      } finally {
        inFlight--;
      }
    }

    const samples: MemorySample[] = [];
    const t0 = Date.now();
    tStart = performance.now();
    let lastSampleAt = t0;
    let latestHeap: number | null = null;
    const heapLoop = (async () => {
      while (sampling) {
        const heap = await heapUsedMb(url);
        if (heap !== null) latestHeap = heap;
        await new Promise((r) => setTimeout(r, o.sampleMs / 2));
      }
    })();
    const sample = async () => {
      const now = Date.now();
      windowTtfts.sort((a, b) => a - b);
      const s: MemorySample = {
        t: Math.round((now - t0) / 1000),
        rssMb: (rssKb(pid) ?? NaN) / 1024,
        heapUsedMb: null,
        rps: windowCompleted / Math.max(0.001, (now - lastSampleAt) / 1000),
        inFlight,
        ttftP50Ms: windowTtfts.length ? quantile(windowTtfts, 0.5) : null,
      };
      windowTtfts = [];
      windowCompleted = 0;
      lastSampleAt = now;
      samples.push(s);
      // The latest scrape (a loop of its own: under load an answer may take longer than a period).
      s.heapUsedMb = latestHeap;
      latestHeap = null;
      o.log(
        `t=${String(s.t).padStart(4)} s  rss ${s.rssMb.toFixed(0)} MB  heap ${s.heapUsedMb?.toFixed(0) ?? "?"} MB  ${s.rps.toFixed(0)} streams/s  in flight ${s.inFlight}  ttft p50 ${s.ttftP50Ms?.toFixed(0) ?? "-"} ms  sent ${sent}  errors ${Object.values(errors).reduce((a, b) => a + b, 0)}`,
      );
    };
    const overflowsBefore = listenOverflows();
    latestHeap = await heapUsedMb(url);
    await sample(); // idle, before the load
    timer = setInterval(() => void sample(), o.sampleMs);

    const deadline = t0 + o.warmupMs + o.durationMs;
    await Promise.all(
      Array.from({ length: o.clients }, async (_, client) => {
        // Spread the first requests so the clients do not move in lockstep.
        await new Promise((r) => setTimeout(r, (client / o.clients) * o.rampMs));
        for (let n = 0; Date.now() < deadline; n++) await oneStream(client, n);
      }),
    );
    clearInterval(timer);
    latestHeap = await heapUsedMb(url);
    await sample(); // after the last stream ended
    sampling = false;
    await heapLoop;
    const seconds = (Date.now() - t0) / 1000;
    const overflows = listenOverflows() - overflowsBefore;

    // Graceful stop flushes the queued request logs; then every request must have its row.
    await helix.stop();
    helix = undefined;
    const ids = await counter.ids();
    const logs = ids.size - baseline;
    // A request refused before its headers has no id: it counts as missing unless rows outnumber ids.
    const missingLogs = sent - requestIds.filter((id) => ids.has(id)).length;

    const sorted = ttfts.sort((a, b) => a - b);
    const steady = firstTokens
      .filter((x) => x.sentAt >= seconds / 3)
      .map((x) => x.ttft)
      .sort((a, b) => a - b);
    const slow = firstTokens.sort((a, b) => b.ttft - a.ttft).slice(0, 5);
    const rss = rssSummary(samples, o.maxRssGrowth, o.warmupMs / 1000);
    const zeroErrors = Object.keys(errors).length === 0 && completed === sent;
    const logsMatch = logs === sent && missingLogs === 0;
    const { bounded, ...rssFigures } = rss;
    return {
      clients: o.clients,
      seconds,
      warmupSeconds: o.warmupMs / 1000,
      mode: o.databaseUrl ? `PostgreSQL${o.redisUrl ? " + Redis" : ""}` : "embedded (PGlite, in-process store)",
      samples,
      sent,
      completed,
      errors,
      errorExamples,
      ttftP50Ms: quantile(sorted, 0.5),
      ttftP99Ms: quantile(sorted, 0.99),
      steadyTtftP50Ms: quantile(steady, 0.5),
      steadyTtftP99Ms: quantile(steady, 0.99),
      tokens,
      cache,
      logs,
      missingLogs,
      listenBacklog: backlog,
      listenOverflows: overflows,
      slowest: slow.map((x) => ({ ttftMs: x.ttft, sentAtS: x.sentAt, logged: ids.get(x.id) })),
      rss: rssFigures,
      verdict: { zeroErrors, rssBounded: bounded, logsMatch, passed: zeroErrors && bounded && logsMatch },
    };
  } finally {
    sampling = false;
    clearInterval(timer);
    await helix?.stop();
    fake.child.kill("SIGTERM");
    await agent.close().catch(() => undefined);
  }
}

/** The report: figures, the RSS-over-time table (markdown) and the verdict. */
export function formatSoak(r: SoakResult, maxRssGrowth: number): string {
  const lines: string[] = [];
  const ok = (b: boolean) => (b ? "PASS" : "FAIL");
  lines.push(`Soak: ${r.clients} streaming clients for ${r.seconds.toFixed(0)} s, ${r.mode}`);
  lines.push("");
  lines.push("| t (s) | server RSS (MB) | V8 heap used (MB) | streams/s | in flight | TTFT p50 (ms) |");
  lines.push("|---|---|---|---|---|---|");
  for (const s of r.samples) {
    lines.push(`| ${s.t} | ${s.rssMb.toFixed(0)} | ${s.heapUsedMb?.toFixed(0) ?? "?"} | ${s.rps.toFixed(0)} | ${s.inFlight} | ${s.ttftP50Ms?.toFixed(0) ?? "-"} |`);
  }
  lines.push("");
  lines.push(`requests sent ${r.sent}, streams completed ${r.completed}, tokens received ${r.tokens}, throughput ${(r.completed / r.seconds).toFixed(1)} streams/s`);
  lines.push(`cache: ${Object.entries(r.cache).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  lines.push(
    `TTFT (client-side, incl. the upstream's 300-800 ms) p50 ${r.ttftP50Ms.toFixed(0)} ms, p99 ${r.ttftP99Ms.toFixed(0)} ms; after the first third: p50 ${r.steadyTtftP50Ms.toFixed(0)} ms, p99 ${r.steadyTtftP99Ms.toFixed(0)} ms`,
  );
  lines.push(`errors: ${Object.keys(r.errors).length ? Object.entries(r.errors).map(([k, v]) => `${k} × ${v}`).join(", ") : "none"}`);
  for (const e of r.errorExamples) lines.push(`  e.g. ${e}`);
  lines.push(`slowest first tokens: ${r.slowest.map((x) => `${x.ttftMs.toFixed(0)} ms (sent at ${x.sentAtS} s; Helix logged ttft ${x.logged?.ttftMs ?? "?"} ms, latency ${x.logged?.latencyMs ?? "?"} ms)`).join("; ")}`);
  lines.push(`listen backlog ${r.listenBacklog ?? "?"}; kernel listen-queue overflows during the run (machine-wide): ${r.listenOverflows}`);
  lines.push(`request_logs rows ${r.logs} for ${r.sent} requests (${r.missingLogs} requests without a row)`);
  if (r.warmupSeconds > 0) lines.push(`RSS criterion over the samples after the ${r.warmupSeconds} s warm-up`);
  lines.push(
    `RSS: idle ${r.rss.startMb.toFixed(0)} MB, first-third max ${r.rss.firstThirdMaxMb.toFixed(0)} MB, last-third max ${r.rss.lastThirdMaxMb.toFixed(0)} MB (${(r.rss.growth * 100).toFixed(1)} %), max ${r.rss.maxMb.toFixed(0)} MB, last-half slope ${r.rss.lastHalfSlopeMbPerMin.toFixed(1)} MB/min`,
  );
  lines.push("");
  lines.push(`zero errors: ${ok(r.verdict.zeroErrors)}`);
  lines.push(`RSS bounded (last-third max <= first-third max + ${(maxRssGrowth * 100).toFixed(0)} %): ${ok(r.verdict.rssBounded)}`);
  lines.push(`logs == requests: ${ok(r.verdict.logsMatch)}`);
  lines.push(`verdict: ${ok(r.verdict.passed)}`);
  return lines.join("\n");
}
