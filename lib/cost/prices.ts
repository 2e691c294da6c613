// Which price applies to a model at a time: a database override (the latest effective one), else
// the config's `cost_optimization.prices`, else the shipped catalog. None → the cost is unknown.
import "server-only";
import type { HelixConfig } from "@/lib/config/schema";
import type { ProviderId } from "@/lib/providers/types";
import { getDb } from "@/lib/store/db";
import { listStoredPrices, type StoredPrice } from "@/lib/store/model-prices";
import { logger } from "@/lib/observability/logger";
import { catalogPrice } from "./catalog";
import type { ModelPrice } from "./cost-schema";

export type PriceSource = "database" | "config" | "catalog";

export interface PriceQuote {
  source: PriceSource;
  price: ModelPrice;
}

/** Database overrides, read in full (a handful of rows) and refreshed in the background. */
const REFRESH_MS = 30_000;

interface PricesState {
  stored: StoredPrice[];
  loadedAt: number;
  refreshing?: Promise<void>;
}
// On globalThis: Next may load this module twice, and an edit must refresh the one copy requests use.
const GLOBAL_KEY = Symbol.for("helix.cost.prices");
function state(): PricesState {
  const g = globalThis as unknown as Record<symbol, PricesState | undefined>;
  return (g[GLOBAL_KEY] ??= { stored: [], loadedAt: 0 });
}

/**
 * Reloads the database overrides now: at start (before the first request is priced), after an
 * edit on this instance; other instances follow within 30 s.
 */
export function refreshStoredPrices(): Promise<void> {
  const s = state();
  s.refreshing ??= (async () => {
    try {
      s.stored = await listStoredPrices(await getDb());
      s.loadedAt = Date.now();
    } catch (err) {
      // Keep the last known overrides; a request 5 s later retries.
      logger().warn({ err }, "could not load price overrides from the database");
      s.loadedAt = Date.now() - REFRESH_MS + 5_000;
    } finally {
      s.refreshing = undefined;
    }
  })();
  return s.refreshing;
}

/** Tests only. */
export function setStoredPricesForTests(rows: StoredPrice[]): void {
  const s = state();
  s.stored = rows;
  s.loadedAt = Number.MAX_SAFE_INTEGER / 2;
}

function storedPrice(provider: ProviderId, model: string, at: Date): ModelPrice | undefined {
  const s = state();
  if (Date.now() - s.loadedAt > REFRESH_MS) void refreshStoredPrices();
  let best: StoredPrice | undefined;
  for (const p of s.stored) {
    if (p.model !== model || (p.provider !== null && p.provider !== provider) || p.effectiveFrom > at) continue;
    // Latest effective date wins; on a tie, a provider-specific row beats a provider-wide one.
    if (!best || p.effectiveFrom > best.effectiveFrom || (p.effectiveFrom.getTime() === best.effectiveFrom.getTime() && p.provider !== null)) best = p;
  }
  return best?.price;
}

/** The price of `model` served by `provider` at time `at`, or null when no source has one. */
export function quotePrice(provider: ProviderId, model: string, at: Date, config: HelixConfig): PriceQuote | null {
  const db = storedPrice(provider, model, at);
  if (db) return { source: "database", price: db };
  const prices = config.helix_settings.cost_optimization.prices;
  const cfg = prices[`${provider}/${model}`] ?? prices[model];
  if (cfg) return { source: "config", price: cfg };
  const cat = catalogPrice(provider, model, at);
  return cat ? { source: "catalog", price: cat } : null;
}
