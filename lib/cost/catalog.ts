// The shipped price catalog: @pydantic/genai-prices (a maintained, versioned snapshot of the
// providers' price pages, with dated price changes and tiers). Refresh it with
// `npm update @pydantic/genai-prices`; nothing is fetched at run time.
import { calcPrice, type ModelPrice as CatalogModelPrice, type Provider } from "@pydantic/genai-prices";
import type { ProviderId } from "@/lib/providers/types";
import type { ModelPrice } from "./cost-schema";
import type { TokenUsage } from "./tokens";

/** Helix provider → the catalog's provider id. OpenAI-compatible servers are priced only by config. */
const CATALOG_PROVIDER: Record<ProviderId, string | undefined> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "google",
  groq: "groq",
  "openai-compatible": undefined,
};

function catalogUsage(u: TokenUsage): Record<string, number> {
  return { input_tokens: u.input, output_tokens: u.output, cache_read_tokens: u.cachedInput, cache_write_tokens: u.cacheWrite };
}

/**
 * The catalog entry a model name matches, narrowed to that one model: finding it means running
 * every provider's and model's match rules (a tenth of a millisecond), pricing with it does not.
 */
const matched = new Map<string, Provider | null>();

function matchedProvider(providerId: string, model: string): Provider | null {
  const key = `${providerId}|${model}`;
  let p = matched.get(key);
  if (p === undefined) {
    const r = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId });
    p = r ? { ...r.provider, models: [r.model] } : null;
    if (matched.size > 5_000) matched.clear();
    matched.set(key, p);
  }
  return p;
}

/**
 * A model's price as a plain function of the usage Helix reports, for the common shape: one price
 * (not dated or time-of-day prices), per-million token prices flat or tiered on the prompt's size,
 * a per-request fee, and units Helix never reports (audio, images, web searches…). calcPrice re-validates
 * the price's units on every call (most of a gateway request's pricing time, twice a request);
 * this computes the same figure, in the same order of operations (lib/cost/catalog.test.ts
 * compares it with calcPrice over the whole catalog). null: a shape left to calcPrice.
 */
type Pricer = (u: TokenUsage) => number | null;
const TOKEN_KEYS = new Set(["input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"]);
/** Finer token kinds Helix never reports (always 0 here, so they neither cost nor split a parent). */
const UNREPORTED_KEYS = new Set([
  "cache_write_1h_mtok",
  "input_audio_mtok",
  "cache_audio_read_mtok",
  "output_audio_mtok",
  "input_image_mtok",
  "cache_image_read_mtok",
  "output_image_mtok",
  "input_video_mtok",
  "output_video_mtok",
]);

type Tiered = { base: number; tiers: Array<{ start: number; price: number }> };
const isTiered = (v: unknown): v is Tiered =>
  typeof v === "object" && v !== null && typeof (v as Tiered).base === "number" && Array.isArray((v as Tiered).tiers);

export function compilePricer(prices: unknown): Pricer | null {
  if (typeof prices !== "object" || prices === null || Array.isArray(prices)) return null;
  const entries = Object.entries(prices as Record<string, unknown>).filter(([, v]) => v !== undefined);
  for (const [k, v] of entries) {
    if (!(TOKEN_KEYS.has(k) || UNREPORTED_KEYS.has(k) || k.endsWith("_kcount"))) return null;
    if (typeof v !== "number" && !((TOKEN_KEYS.has(k) || UNREPORTED_KEYS.has(k)) && isTiered(v))) return null;
  }
  const has = (k: string) => entries.some(([key]) => key === k);
  const valid = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0;
  for (const [, v] of entries) {
    if (isTiered(v) ? !valid(v.base) || v.tiers.some((t) => !valid(t.price) || !Number.isSafeInteger(t.start) || t.start < 0) : !valid(v)) return null;
  }
  // Shapes the library refuses or prices by rules of its own are left to it: a finer price
  // without its parent's, or multimodal input beside cache prices (their overlap needs join units).
  const parents: Record<string, string[]> = {
    cache_read_mtok: ["input_mtok"],
    cache_write_mtok: ["input_mtok"],
    cache_write_1h_mtok: ["cache_write_mtok", "input_mtok"],
    input_audio_mtok: ["input_mtok"],
    input_image_mtok: ["input_mtok"],
    input_video_mtok: ["input_mtok"],
    cache_audio_read_mtok: ["cache_read_mtok", "input_audio_mtok"],
    cache_image_read_mtok: ["cache_read_mtok", "input_image_mtok"],
    output_audio_mtok: ["output_mtok"],
    output_image_mtok: ["output_mtok"],
    output_video_mtok: ["output_mtok"],
  };
  for (const [k] of entries) if ((parents[k] ?? []).some((p) => !has(p))) return null;
  const multimodalInput = has("input_audio_mtok") || has("input_image_mtok") || has("input_video_mtok");
  if (multimodalInput && (has("cache_read_mtok") || has("cache_write_mtok"))) return null;
  const sorted: Array<readonly [string, number | Tiered]> = entries.map(([k, v]) => [k, isTiered(v) ? { base: v.base, tiers: [...v.tiers].sort((a, b) => a.start - b.start) } : (v as number)] as const);
  return (u) => {
    const cacheRead = has("cache_read_mtok") ? u.cachedInput : 0;
    const cacheWrite = has("cache_write_mtok") ? u.cacheWrite : 0;
    const plainInput = u.input - cacheRead - cacheWrite;
    if (plainInput < 0) return null; // the library refuses usage whose parts exceed the whole
    const count: Record<string, number> = { input_mtok: plainInput, output_mtok: u.output, cache_read_mtok: cacheRead, cache_write_mtok: cacheWrite, requests_kcount: 1 };
    let input = 0;
    let output = 0;
    let other = 0;
    for (const [k, price] of sorted) {
      const n = count[k] ?? 0;
      const per = k.endsWith("_kcount") ? 1e3 : 1e6;
      let v = 0;
      if (typeof price === "number") v = (price * n) / per;
      else if (n > 0) {
        let p = price.base;
        for (const t of price.tiers) if (u.input > t.start) p = t.price;
        v = (((p * n) / 1e6) * 1e6) / per;
      }
      if (k === "output_mtok") output += v;
      else if (TOKEN_KEYS.has(k) || UNREPORTED_KEYS.has(k)) input += v;
      else other += v;
    }
    return input + output + other;
  };
}

const pricers = new Map<string, Pricer | null>();

/** The catalog's cost in USD for this usage (tiers and dated prices applied), or null when unpriced. */
export function catalogCostUsd(provider: ProviderId, model: string, usage: TokenUsage, at: Date): number | null {
  const providerId = CATALOG_PROVIDER[provider];
  if (!providerId) return null;
  try {
    const slim = matchedProvider(providerId, model);
    if (!slim) return null;
    const key = `${providerId}|${model}`;
    let pricer = pricers.get(key);
    if (pricer === undefined) {
      pricer = compilePricer(slim.models[0]?.prices);
      if (pricers.size > 5_000) pricers.clear();
      pricers.set(key, pricer);
    }
    if (pricer) return pricer(usage);
    const r = calcPrice(catalogUsage(usage), model, { provider: slim, timestamp: at });
    return r ? r.total_price : null;
  } catch {
    // The library throws on inconsistent usage (e.g. cache tokens above input): unpriced, not a crash.
    return null;
  }
}

const flat = (v: CatalogModelPrice[string]): number | undefined =>
  typeof v === "number" ? v : v && typeof v === "object" && "base" in v ? v.base : undefined;

const memo = new Map<string, ModelPrice | null>();

/** The catalog's base per-million prices (tiers' base), for estimates and display. */
export function catalogPrice(provider: ProviderId, model: string, at: Date): ModelPrice | null {
  const providerId = CATALOG_PROVIDER[provider];
  if (!providerId) return null;
  const key = `${providerId}|${model}|${at.toISOString().slice(0, 10)}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let price: ModelPrice | null = null;
  try {
    const r = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId, timestamp: at });
    if (r) {
      const p = r.model_price;
      price = {
        input_per_mtok: flat(p.input_mtok) ?? 0,
        output_per_mtok: flat(p.output_mtok) ?? 0,
        cached_input_per_mtok: flat(p.cache_read_mtok),
        cache_write_per_mtok: flat(p.cache_write_mtok),
        per_request_usd: (flat(p.requests_kcount) ?? 0) / 1000,
      };
    }
  } catch {
    price = null;
  }
  if (memo.size > 5_000) memo.clear();
  memo.set(key, price);
  return price;
}
