// Synthetic history for the demo: request_logs rows resampled from templates (the live demo
// traffic, or a built-in profile), spread over the past days with a daily and weekly rhythm, and
// written through the gateway's own RequestLogWriter, so usage_rollups are maintained in the same
// statement exactly as for real traffic.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { RequestLogWriter, type RequestLogEntry } from "@/lib/store/request-log";
import { PiiIncidentWriter, type PiiIncidentEntry } from "@/lib/store/pii-incidents";
import { catalogPrice } from "@/lib/cost/catalog";
import { microsAt } from "@/lib/cost/cost";
import type { ProviderId } from "@/lib/providers/types";
import { mulberry32 } from "@/test/support/prng";

/** Synthetic rows' ids start with this, so they are never taken as templates themselves. */
export const SYNTH_ID_PREFIX = "demo-syn-";

/** What a PII incident of a template request records (its request, time and owners come from the copy). */
export type SynthIncident = Pick<PiiIncidentEntry, "entityType" | "count" | "action" | "policy" | "recognizer" | "score" | "location">;

/** One recorded request to imitate: who sent it, to which model, how it went, and its PII incidents. */
export type SynthTemplate = Omit<RequestLogEntry, "id" | "createdAt" | "prompt" | "response"> & { incidents?: SynthIncident[] };

export interface SynthOptions {
  db: PrismaClient;
  templates: readonly SynthTemplate[];
  rows: number;
  /** The rows span the last `days` UTC days, today included, up to now. */
  days: number;
  now?: Date;
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** Statements in flight at once (each on its own pooled connection). */
  concurrency?: number;
  seed?: number;
  /** Templates not used for rows of today (UTC), e.g. a team whose daily budget is left to live traffic. */
  notToday?: (t: SynthTemplate) => boolean;
  onProgress?: (written: number, total: number) => void;
}

export interface SynthResult {
  written: number;
  /** PII incidents written with the rows (copies of their templates' incidents). */
  incidents: number;
  ms: number;
  from: Date;
  to: Date;
}

/** A small deterministic PRNG, so a seed reproduces a run. */
export const rng = mulberry32;

const DAY_MS = 86_400_000;

/** Relative traffic per UTC hour: quiet nights, a morning ramp, a lunch dip, an afternoon peak. */
const HOUR_WEIGHTS = [
  0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.7, 1.0, 1.25, 1.35, 1.3, 1.05, 1.15, 1.4, 1.45, 1.35, 1.1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2,
];

/**
 * Rows per day for `days` days ending today: weekdays busier than weekends, growth over the
 * period (adoption), and some day-to-day noise. Sums exactly to `rows` (largest remainder).
 */
export function dailyCounts(rows: number, days: number, startDay: Date, rand: () => number): number[] {
  const w: number[] = [];
  for (let d = 0; d < days; d++) {
    const dow = new Date(startDay.getTime() + d * DAY_MS).getUTCDay();
    const weekly = dow === 0 || dow === 6 ? 0.35 : dow === 1 ? 0.9 : 1;
    const growth = 0.3 + 0.7 * ((d + 1) / days);
    const noise = 0.8 + 0.4 * rand();
    w.push(weekly * growth * noise);
  }
  const total = w.reduce((a, b) => a + b, 0);
  const exact = w.map((x) => (x / total) * rows);
  const counts = exact.map(Math.floor);
  let rest = rows - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) counts[order[k][1]]++;
  return counts;
}

const HOUR_CDF = (() => {
  const sum = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let acc = 0;
  return HOUR_WEIGHTS.map((x) => (acc += x / sum));
})();

function sampleMsOfDay(rand: () => number): number {
  const u = rand();
  let h = 0;
  while (h < 23 && HOUR_CDF[h] < u) h++;
  return h * 3_600_000 + Math.floor(rand() * 3_600_000);
}

const priceMemo = new Map<string, ReturnType<typeof catalogPrice>>();

/** Micro-USD for tokens on a model at its catalog price on that day, or null when unpriced. */
export function priceMicros(provider: string, model: string, input: number, output: number, at: Date): number | null {
  const key = `${provider}|${model}|${at.toISOString().slice(0, 7)}`;
  let price = priceMemo.get(key);
  if (price === undefined) {
    price = catalogPrice(provider as ProviderId, model, at);
    priceMemo.set(key, price);
  }
  if (!price) return null;
  return microsAt(price, { input, output, cachedInput: 0, cacheWrite: 0, reasoning: 0 });
}

/** One synthetic row from a template: tokens varied around the template's, cost re-priced. */
export function synthesize(tpl: SynthTemplate, id: string, at: Date, rand: () => number): RequestLogEntry {
  const t: SynthTemplate = { ...tpl };
  delete t.incidents;
  const f = 0.5 + rand();
  const input = t.inputTokens == null ? null : Math.max(1, Math.round(t.inputTokens * f));
  const output = t.outputTokens == null ? null : Math.max(0, Math.round(t.outputTokens * (0.5 + rand())));
  const latency = Math.max(1, Math.round(t.latencyMs * (0.6 + 0.8 * rand())));
  const model = t.servedModel ?? t.requestedModel;
  const hit = t.cacheStatus === "HIT" || t.cacheStatus === "SEMANTIC_HIT";
  let costMicros = t.costMicros ?? null;
  let cacheSavingsMicros = t.cacheSavingsMicros ?? null;
  let costStatus = t.costStatus ?? null;
  if (input != null && output != null && t.provider) {
    const micros = priceMicros(t.provider, model, input, output, at);
    if (micros === null) {
      if (costMicros != null) costMicros = Math.ceil(costMicros * f);
      if (cacheSavingsMicros != null) cacheSavingsMicros = Math.ceil(cacheSavingsMicros * f);
    } else if (hit) {
      // A cache hit costs nothing and records what it avoided.
      costMicros = t.costMicros == null ? null : 0;
      cacheSavingsMicros = micros;
    } else if (t.status < 400 || (t.costMicros ?? 0) > 0) {
      costMicros = micros;
      if (costStatus === null || costStatus === "none") costStatus = micros > 0 ? "priced" : "none";
    }
  }
  return {
    ...t,
    id,
    createdAt: at,
    inputTokens: input,
    outputTokens: output,
    latencyMs: latency,
    upstreamLatencyMs: t.upstreamLatencyMs == null ? null : Math.min(latency, Math.round(t.upstreamLatencyMs * (latency / Math.max(1, t.latencyMs)))),
    ttftMs: t.ttftMs == null ? null : Math.min(latency, Math.round(t.ttftMs * (0.6 + 0.8 * rand()))),
    cacheSavedMs: t.cacheSavedMs == null ? null : Math.round(t.cacheSavedMs * (0.6 + 0.8 * rand())),
    costMicros,
    costStatus,
    cacheSavingsMicros,
  };
}

/**
 * Writes `rows` synthetic request logs, oldest first, through RequestLogWriter (one unnest
 * INSERT per batch that also upserts the rollups). Several batches are in flight at once.
 */
export async function synthesizeHistory(opts: SynthOptions): Promise<SynthResult> {
  if (opts.templates.length === 0) throw new Error("no templates to synthesize from");
  const rand = rng(opts.seed ?? Date.now());
  const now = opts.now ?? new Date();
  const days = Math.max(1, Math.floor(opts.days));
  const startDay = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const from = startDay;
  const counts = dailyCounts(opts.rows, days, startDay, rand);
  const batchSize = opts.batchSize ?? 5_000;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const runId = `${SYNTH_ID_PREFIX}${Date.now().toString(36)}-${Math.floor(rand() * 1e9).toString(36)}-`;
  const started = Date.now();

  const writers = Array.from(
    { length: concurrency },
    () => new RequestLogWriter({ db: async () => opts.db, batchSize, maxQueued: batchSize * 2, flushMs: 3_600_000 }),
  );
  const incidentWriters = Array.from(
    { length: concurrency },
    () => new PiiIncidentWriter({ db: async () => opts.db, batchSize, maxQueued: batchSize * 4, flushMs: 3_600_000 }),
  );
  const inFlight: Array<Promise<void> | undefined> = new Array(concurrency);
  let written = 0;
  let next = 0;
  let seq = 0;
  let incidentsWritten = 0;
  let pending: RequestLogEntry[] = [];
  let pendingIncidents: PiiIncidentEntry[] = [];

  const flushOn = async (slot: number, batch: RequestLogEntry[], incidents: PiiIncidentEntry[]) => {
    const w = writers[slot];
    const before = w.stats().written;
    for (const e of batch) w.enqueue(e);
    const s = await w.flush();
    if (s.queued > 0 || s.dropped > 0) throw new Error(`the database did not take a batch (queued ${s.queued}, dropped ${s.dropped})`);
    if (incidents.length) {
      const iw = incidentWriters[slot];
      const ib = iw.stats().written;
      for (const e of incidents) iw.enqueue(e);
      const is = await iw.flush();
      if (is.queued > 0 || is.dropped > 0) throw new Error(`the database did not take a batch of PII incidents (queued ${is.queued}, dropped ${is.dropped})`);
      incidentsWritten += is.written - ib;
    }
    written += s.written - before;
    opts.onProgress?.(written, opts.rows);
  };

  const dispatch = async (batch: RequestLogEntry[], incidents: PiiIncidentEntry[]) => {
    const slot = next++ % concurrency;
    await inFlight[slot];
    inFlight[slot] = flushOn(slot, batch, incidents);
    // Surface a failure promptly instead of at the end.
    inFlight[slot].catch(() => {});
  };

  for (let d = 0; d < days; d++) {
    const dayStart = startDay.getTime() + d * DAY_MS;
    const times: number[] = [];
    for (let k = 0; k < counts[d]; k++) {
      let t = dayStart + sampleMsOfDay(rand);
      // Today: only up to now.
      if (t >= now.getTime()) t = dayStart + Math.floor(rand() * (now.getTime() - dayStart));
      times.push(t);
    }
    times.sort((a, b) => a - b);
    for (const t of times) {
      let tpl = opts.templates[Math.floor(rand() * opts.templates.length)];
      for (let tries = 0; opts.notToday && d === days - 1 && opts.notToday(tpl) && tries < 20; tries++) {
        tpl = opts.templates[Math.floor(rand() * opts.templates.length)];
      }
      const row = synthesize(tpl, `${runId}${(seq++).toString(36)}`, new Date(t), rand);
      pending.push(row);
      for (const inc of tpl.incidents ?? []) {
        pendingIncidents.push({ ...inc, requestId: row.id, createdAt: row.createdAt, apiKeyId: row.apiKeyId, userId: row.userId, teamId: row.teamId, orgId: row.orgId });
      }
      if (pending.length >= batchSize) {
        await dispatch(pending, pendingIncidents);
        pending = [];
        pendingIncidents = [];
      }
    }
  }
  if (pending.length) await dispatch(pending, pendingIncidents);
  await Promise.all(inFlight);
  return { written, incidents: incidentsWritten, ms: Date.now() - started, from, to: now };
}

/** The columns of request_logs that make a template (everything but id, time and bodies). */
const TEMPLATE_SQL = `SELECT id AS "sourceId", endpoint, api_key_id AS "apiKeyId", key_hash AS "keyHash", user_id AS "userId", team_id AS "teamId",
  org_id AS "orgId", end_user AS "endUser", requested_model AS "requestedModel", served_model AS "servedModel", provider,
  status, error_type AS "errorType", error_message AS "errorMessage", stream, cache_status AS "cacheStatus",
  cache_similarity AS "cacheSimilarity", cache_saved_ms AS "cacheSavedMs", attempts, latency_ms AS "latencyMs",
  upstream_latency_ms AS "upstreamLatencyMs", ttft_ms AS "ttftMs", input_tokens AS "inputTokens", output_tokens AS "outputTokens",
  cached_input_tokens AS "cachedInputTokens", reasoning_tokens AS "reasoningTokens", cost_micros::float8 AS "costMicros",
  cost_status AS "costStatus", price_source AS "priceSource", cache_savings_micros::float8 AS "cacheSavingsMicros",
  swap_savings_micros::float8 AS "swapSavingsMicros", swap_rule AS "swapRule", swap_reason AS "swapReason"
  FROM request_logs`;

/** Recorded (non-synthetic) requests of one organisation, newest first, as templates. */
export async function loadTemplates(db: PrismaClient, orgId: string, limit = 20_000): Promise<SynthTemplate[]> {
  const rows = await db.$queryRawUnsafe<Array<SynthTemplate & { endpoint: string; sourceId: string }>>(
    `${TEMPLATE_SQL} WHERE org_id = $1 AND id NOT LIKE '${SYNTH_ID_PREFIX}%' ORDER BY created_at DESC LIMIT ${Math.floor(limit)}`,
    orgId,
  );
  const incidents = new Map<string, SynthIncident[]>();
  if (rows.length) {
    const found = await db.$queryRawUnsafe<Array<SynthIncident & { requestId: string }>>(
      `SELECT request_id AS "requestId", entity_type AS "entityType", count, action, policy, recognizer, score, location
       FROM pii_incidents WHERE request_id = ANY($1::text[])`,
      rows.map((r) => r.sourceId),
    );
    for (const { requestId, ...inc } of found) incidents.set(requestId, [...(incidents.get(requestId) ?? []), inc]);
  }
  return rows.map(({ sourceId, ...r }) => ({
    ...r,
    endpoint: r.endpoint as SynthTemplate["endpoint"],
    ...(incidents.has(sourceId) ? { incidents: incidents.get(sourceId) } : {}),
  }));
}

export interface ProfileActor {
  apiKeyId: string;
  userId?: string | null;
  teamId?: string | null;
  orgId?: string | null;
}

/** Built-in templates when there is no live traffic to imitate (tests, `--live 0` on an empty database). */
export function profileTemplates(actors: readonly ProfileActor[], count = 2_000, seed = 1): SynthTemplate[] {
  if (actors.length === 0) throw new Error("profileTemplates needs at least one key");
  const rand = rng(seed);
  const models: Array<[string, string, number, number, number]> = [
    // requested model, provider, weight, typical input, typical output
    ["gpt-4o-mini", "openai", 0.38, 420, 180],
    ["gpt-4o", "openai", 0.14, 650, 260],
    ["claude-3-5-haiku-latest", "anthropic", 0.2, 500, 220],
    ["gemini-2.0-flash", "gemini", 0.16, 380, 200],
    ["text-embedding-3-small", "openai", 0.12, 90, 0],
  ];
  const endUsers = ["alice@acme.example", "bob", "carol", "dmitri", "eve-support", "frank", "grace", "heidi", null, null];
  const out: SynthTemplate[] = [];
  for (let i = 0; i < count; i++) {
    let u = rand();
    let m = models[0];
    for (const cand of models) {
      if ((u -= cand[2]) <= 0) {
        m = cand;
        break;
      }
    }
    // Keys are used unevenly: the first ones carry most traffic.
    const actor = actors[Math.min(actors.length - 1, Math.floor(actors.length * rand() ** 1.6))];
    const embed = m[0].startsWith("text-embedding");
    const r = rand();
    const status = r < 0.015 ? 500 : r < 0.03 ? 429 : 200;
    const cacheRoll = rand();
    const cacheStatus = status >= 400 ? null : cacheRoll < 0.22 ? "HIT" : cacheRoll < 0.3 && !embed ? "SEMANTIC_HIT" : "MISS";
    const hit = cacheStatus === "HIT" || cacheStatus === "SEMANTIC_HIT";
    const input = Math.round(m[3] * (0.3 + 1.4 * rand()));
    const output = status >= 400 ? 0 : Math.round(m[4] * (0.3 + 1.4 * rand()));
    const stream = !embed && rand() < 0.35;
    const latency = hit ? 3 + Math.round(rand() * 25) : Math.round((embed ? 60 : 350) + rand() * (embed ? 120 : 1800));
    out.push({
      endpoint: embed ? "embeddings" : "chat.completions",
      apiKeyId: actor.apiKeyId,
      userId: actor.userId ?? null,
      teamId: actor.teamId ?? null,
      orgId: actor.orgId ?? null,
      endUser: endUsers[Math.floor(rand() * endUsers.length)],
      requestedModel: m[0],
      servedModel: m[0],
      provider: m[1],
      status,
      errorType: status === 500 ? "upstream_error" : status === 429 ? "rate_limit_error" : null,
      errorMessage: status >= 400 ? `upstream answered ${status}` : null,
      stream,
      cacheStatus,
      cacheSimilarity: cacheStatus === "SEMANTIC_HIT" ? 0.9 + 0.09 * rand() : null,
      cacheSavedMs: hit ? 300 + Math.round(rand() * 1500) : null,
      attempts: status === 500 ? 3 : 1,
      latencyMs: latency,
      upstreamLatencyMs: hit ? null : Math.round(latency * 0.9),
      ttftMs: stream && !hit ? Math.round(latency * 0.3) : null,
      inputTokens: input,
      outputTokens: output,
      costMicros: status >= 400 ? 0 : 1,
      costStatus: status >= 400 ? "none" : "priced",
      priceSource: status >= 400 ? null : "catalog",
      cacheSavingsMicros: hit ? 1 : null,
      ...(!embed && rand() < 0.07
        ? { incidents: [{ entityType: rand() < 0.6 ? "EMAIL_ADDRESS" : "PHONE_NUMBER", count: 1, action: "redact", policy: "global", recognizer: "pattern", score: 0.95, location: "request" }] }
        : {}),
    });
  }
  return out;
}
