// Which embedder serves the semantic cache: the configured one when it can load, else the
// bundled fallback. One instance per configured model per process (on globalThis, so Next's
// module duplication and dev reloads share it), loaded lazily and once; callers that arrive
// while it loads wait for the same load.
import "server-only";
import { readNamedSecret } from "@/lib/env";
import { EmbedderUnavailableError, EmbedderWeightsUnavailableError } from "./errors";
import { createMiniLMEmbedder, MINILM_ID, type MiniLMOptions } from "./minilm";
import { OpenAICompatibleEmbedder } from "./openai-compatible";
import type { Embedder, EmbedderStatus } from "./types";
import { createUseLiteEmbedder, USE_LITE_ID } from "./use-lite";
import { EmbedWorkerPool } from "./worker-pool";
import { timedEmbedder } from "./timed";

export const DEFAULT_EMBEDDING_MODEL = MINILM_ID;
const OPENAI_COMPATIBLE_PREFIX = "openai-compatible:";
/** After a failed load, calls fail fast for this long instead of retrying the load each time. */
const RETRY_AFTER_MS = 30_000;
const MINILM_ALIASES = new Set([MINILM_ID, "sentence-transformers/all-MiniLM-L6-v2", "Xenova/all-MiniLM-L6-v2"]);

/**
 * The embedding settings of `helix_settings.semantic_cache`. Read defensively: only
 * `embedding_model` is in the config schema today; the others are optional extensions.
 */
export interface EmbedderSettings {
  /** "all-MiniLM-L6-v2" (default), "use-lite", or "openai-compatible:<model>". */
  embedding_model: string;
  /** Base URL including /v1 for openai-compatible:<model>. */
  embedding_api_base?: string;
  /** NAME of the environment variable holding the upstream's key. */
  embedding_api_key_env?: string;
  /** Width to request from the upstream (text-embedding-3-*); else learned from its first answer. */
  embedding_dimensions?: number;
}

/** Picks the embedding settings out of a semantic_cache section (or anything shaped like it). */
export function embedderSettings(section: unknown): EmbedderSettings {
  const s = (typeof section === "object" && section !== null ? section : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const dims = typeof s.embedding_dimensions === "number" && Number.isInteger(s.embedding_dimensions) && s.embedding_dimensions > 0 ? s.embedding_dimensions : undefined;
  return {
    embedding_model: str(s.embedding_model) ?? DEFAULT_EMBEDDING_MODEL,
    embedding_api_base: str(s.embedding_api_base),
    embedding_api_key_env: str(s.embedding_api_key_env),
    embedding_dimensions: dims,
  };
}

/** Test and bench hooks; production passes nothing. */
export interface SelectOptions {
  minilm?: Omit<MiniLMOptions, "pool">;
}

interface Slot {
  status: EmbedderStatus;
  embedder: Embedder | undefined;
  loading: Promise<Embedder> | undefined;
  failure: { error: Error; at: number } | undefined;
}

interface SelectState {
  slots: Map<string, Slot>;
  lastKey: string | undefined;
  pool: EmbedWorkerPool | undefined;
}

const STATE_KEY = Symbol.for("helix.embedders");
function state(): SelectState {
  const g = globalThis as unknown as Record<symbol, SelectState | undefined>;
  return (g[STATE_KEY] ??= { slots: new Map(), lastKey: undefined, pool: undefined });
}

/** One worker for every local model: a 2-core machine has no room for more. */
function sharedPool(): EmbedWorkerPool {
  const s = state();
  return (s.pool ??= new EmbedWorkerPool());
}

function slotKey(settings: EmbedderSettings): string {
  return JSON.stringify(settings);
}

/**
 * The embedder for these settings (a semantic_cache section), loaded. Rejects with an
 * EmbedderUnavailableError when neither the configured model nor its fallback can serve.
 */
export function getEmbedder(section: unknown, opts: SelectOptions = {}): Promise<Embedder> {
  const settings = embedderSettings(section);
  const key = slotKey(settings);
  const s = state();
  s.lastKey = key;
  let slot = s.slots.get(key);
  if (!slot) {
    slot = {
      status: { configured: settings.embedding_model, active: "", dimensions: 0, fallback: false, ready: false, reason: "loading" },
      embedder: undefined,
      loading: undefined,
      failure: undefined,
    };
    s.slots.set(key, slot);
  }
  if (slot.embedder) return Promise.resolve(slot.embedder);
  if (slot.loading) return slot.loading;
  if (slot.failure && Date.now() - slot.failure.at < RETRY_AFTER_MS) return Promise.reject(slot.failure.error);
  const current = slot;
  current.status = { ...current.status, reason: "loading" };
  current.loading = load(settings, current, opts).then(
    (loaded) => {
      const e = timedEmbedder(loaded);
      current.embedder = e;
      current.loading = undefined;
      current.failure = undefined;
      return e;
    },
    (err: unknown) => {
      const error = err instanceof Error ? err : new EmbedderUnavailableError(String(err));
      current.loading = undefined;
      current.failure = { error, at: Date.now() };
      current.status = { ...current.status, active: "", ready: false, reason: error.message };
      throw error;
    },
  );
  return current.loading;
}

/** Starts loading in the background (server start-up), so the first request does not pay for it. */
export function warmEmbedder(section: unknown, onError?: (err: unknown) => void): void {
  getEmbedder(section).catch((err: unknown) => onError?.(err));
}

/** For /health/readiness and the dashboard: the given settings' slot, else the last one requested. */
export function embedderStatus(section?: unknown): EmbedderStatus {
  const s = state();
  const key = section === undefined ? s.lastKey : slotKey(embedderSettings(section));
  const slot = key === undefined ? undefined : s.slots.get(key);
  if (slot) return { ...slot.status };
  const configured = section === undefined ? DEFAULT_EMBEDDING_MODEL : embedderSettings(section).embedding_model;
  return { configured, active: "", dimensions: 0, fallback: false, ready: false, reason: "not loaded yet" };
}

/** Shutdown and tests: closes every embedder and the worker. */
export async function closeEmbedders(): Promise<void> {
  const s = state();
  const slots = [...s.slots.values()];
  s.slots.clear();
  s.lastKey = undefined;
  const pool = s.pool;
  s.pool = undefined;
  await Promise.allSettled(slots.map((slot) => slot.embedder?.close()));
  await pool?.close();
}

// ---- loading ----

async function load(settings: EmbedderSettings, slot: Slot, opts: SelectOptions): Promise<Embedder> {
  const model = settings.embedding_model;
  const ready = (e: Embedder, extra: Partial<EmbedderStatus> = {}) => {
    slot.status = { configured: model, active: e.id, dimensions: e.dimensions, fallback: false, ready: true, ...extra };
    return e;
  };

  if (MINILM_ALIASES.has(model)) {
    const minilm = createMiniLMEmbedder({ ...opts.minilm, pool: sharedPool() });
    try {
      await minilm.load();
      return ready(minilm);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const reason =
        err instanceof EmbedderWeightsUnavailableError
          ? `${MINILM_ID} weights unavailable (${why}), using ${USE_LITE_ID} fallback`
          : `${MINILM_ID} failed to load (${why}), using ${USE_LITE_ID} fallback`;
      const fallback = createUseLiteEmbedder({ pool: sharedPool() });
      try {
        await fallback.load();
      } catch (fbErr) {
        const fbWhy = fbErr instanceof Error ? fbErr.message : String(fbErr);
        throw new EmbedderUnavailableError(`${reason}; but ${USE_LITE_ID} failed too (${fbWhy})`, { cause: fbErr });
      }
      return ready(fallback, { fallback: true, reason });
    }
  }

  if (model === USE_LITE_ID) {
    const e = createUseLiteEmbedder({ pool: sharedPool() });
    await e.load();
    return ready(e);
  }

  if (model.startsWith(OPENAI_COMPATIBLE_PREFIX) && model.length > OPENAI_COMPATIBLE_PREFIX.length) {
    const upstreamModel = model.slice(OPENAI_COMPATIBLE_PREFIX.length);
    if (!settings.embedding_api_base) {
      throw new EmbedderUnavailableError(`semantic_cache.embedding_api_base is required for embedding_model '${model}'.`);
    }
    const apiKey = settings.embedding_api_key_env ? readNamedSecret(settings.embedding_api_key_env) : undefined;
    if (settings.embedding_api_key_env && apiKey === undefined) {
      throw new EmbedderUnavailableError(`semantic_cache.embedding_api_key_env names ${settings.embedding_api_key_env}, which is not set.`);
    }
    const e = new OpenAICompatibleEmbedder({
      apiBase: settings.embedding_api_base,
      apiKey,
      model: upstreamModel,
      dimensions: settings.embedding_dimensions,
    });
    // One tiny call proves the upstream answers and tells us the width before the first request.
    await e.embed(["ping"]);
    return ready(e);
  }

  throw new EmbedderUnavailableError(
    `Unknown semantic_cache.embedding_model '${model}': use ${MINILM_ID}, ${USE_LITE_ID} or ${OPENAI_COMPATIBLE_PREFIX}<model>.`,
  );
}
