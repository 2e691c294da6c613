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
let stored: StoredPrice[] = [];
let loadedAt = 0;
let refreshing: Promise<void> | undefined;

/** Reloads the database overrides now (after an edit here; other instances follow within 30 s). */
export function refreshStoredPrices(): Promise<void> {
  refreshing ??= (async () => {
    try {
      stored = await listStoredPrices(await getDb());
      loadedAt = Date.now();
    } catch (err) {
      // Keep the last known overrides; the next request retries.
      logger().warn({ err }, "could not load price overrides from the database");
      loadedAt = Date.now() - REFRESH_MS + 5_000;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Tests only. */
export function setStoredPricesForTests(rows: StoredPrice[]): void {
  stored = rows;
  loadedAt = Number.MAX_SAFE_INTEGER / 2;
}

function storedPrice(provider: ProviderId, model: string, at: Date): ModelPrice | undefined {
  if (Date.now() - loadedAt > REFRESH_MS) void refreshStoredPrices();
  let best: StoredPrice | undefined;
  for (const p of stored) {
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
