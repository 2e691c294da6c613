// The one place a request's cost is computed (DESIGN: never recomputed elsewhere). Costs are
// integer micro-USD: per-million-token prices times tokens are micro-USD already. A non-zero cost
// is rounded up to the next micro-dollar, so a stream of tiny requests can never add up to $0.
import "server-only";
import type { HelixConfig } from "@/lib/config/schema";
import type { ProviderId } from "@/lib/providers/types";
import { logger } from "@/lib/observability/logger";
import { catalogCostUsd } from "./catalog";
import type { ModelPrice } from "./cost-schema";
import { quotePrice, type PriceSource } from "./prices";
import type { TokenUsage } from "./tokens";

/** priced: from the provider's usage; estimated: Helix counted the tokens; unknown: no price; none: nothing billed. */
export type CostStatus = "priced" | "estimated" | "unknown" | "none";

export interface Cost {
  /** null when the price is unknown (never a silent 0). */
  micros: number | null;
  status: CostStatus;
  source?: PriceSource;
}

const roundUp = (x: number): number => (x <= 0 ? 0 : Math.ceil(x - 1e-9));

/** Micro-USD of `usage` at a flat price (cached, cache-write and reasoning tokens at their rates). */
export function microsAt(price: ModelPrice, usage: TokenUsage): number {
  const cached = usage.cachedInput;
  const written = usage.cacheWrite;
  const plainInput = Math.max(0, usage.input - cached - written);
  const reasoning = usage.reasoning;
  const plainOutput = Math.max(0, usage.output - reasoning);
  return roundUp(
    plainInput * price.input_per_mtok +
      cached * (price.cached_input_per_mtok ?? price.input_per_mtok) +
      written * (price.cache_write_per_mtok ?? price.input_per_mtok) +
      plainOutput * price.output_per_mtok +
      reasoning * (price.reasoning_per_mtok ?? price.output_per_mtok) +
      price.per_request_usd * 1e6,
  );
}

const warned = new Set<string>();

/** Logs an unpriced model once per process (every request is flagged in its log row anyway). */
function flagUnknown(provider: ProviderId, model: string): void {
  const key = `${provider}/${model}`;
  if (warned.has(key) || warned.size > 1_000) return;
  warned.add(key);
  logger().warn(
    { provider, model },
    `no price for ${key}: its requests are recorded with cost "unknown"; add it under cost_optimization.prices or PUT /helix/prices`,
  );
}

/**
 * What `usage` on `model` at `provider` cost at time `at`. Catalog prices go through the catalog
 * library (price tiers by prompt length, dated price changes); overrides are flat.
 */
export function costOf(provider: ProviderId, model: string, usage: TokenUsage | undefined, at: Date, config: HelixConfig, estimated = false): Cost {
  if (!usage || usage.input + usage.output === 0) return { micros: 0, status: "none" };
  const quote = quotePrice(provider, model, at, config);
  if (!quote) {
    flagUnknown(provider, model);
    return { micros: null, status: "unknown" };
  }
  const status: CostStatus = estimated ? "estimated" : "priced";
  if (quote.source === "catalog") {
    const usd = catalogCostUsd(provider, model, usage, at);
    if (usd !== null) return { micros: roundUp(usd * 1e6), status, source: "catalog" };
  }
  return { micros: microsAt(quote.price, usage), status, source: quote.source };
}

/**
 * A reservation: prompt tokens plus the most the answer may produce, priced as the real cost will
 * be (long-prompt tiers included) at the dearest deployment that may serve it (fallbacks too).
 * null when none of them has a price.
 */
export function estimateMicros(
  targets: ReadonlyArray<{ provider: ProviderId; upstreamModel: string }>,
  promptTokens: number,
  maxOutputTokens: number,
  at: Date,
  config: HelixConfig,
): number | null {
  const usage = { input: promptTokens, output: maxOutputTokens, cachedInput: 0, cacheWrite: 0, reasoning: 0 };
  let most: number | null = null;
  for (const t of targets) {
    const c = costOf(t.provider, t.upstreamModel, usage, at, config);
    if (c.micros !== null) most = Math.max(most ?? 0, c.micros);
  }
  return most;
}

