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

/** The catalog's cost in USD for this usage (tiers and dated prices applied), or null when unpriced. */
export function catalogCostUsd(provider: ProviderId, model: string, usage: TokenUsage, at: Date): number | null {
  const providerId = CATALOG_PROVIDER[provider];
  if (!providerId) return null;
  try {
    const slim = matchedProvider(providerId, model);
    if (!slim) return null;
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
