// The compiled pricer must give calcPrice's figure exactly, for every catalog model it compiles,
// over usages that cross the long-prompt tiers, use cache reads and writes, or are refused.
import { describe, expect, it } from "vitest";
import { calcPrice, findProvider } from "@pydantic/genai-prices";
import { compilePricer } from "./catalog";
import type { TokenUsage } from "./tokens";

const PROVIDERS = ["openai", "anthropic", "google", "groq"];
const USAGES: TokenUsage[] = [
  { input: 0, output: 0, cachedInput: 0, cacheWrite: 0, reasoning: 0 },
  { input: 1, output: 1, cachedInput: 0, cacheWrite: 0, reasoning: 0 },
  { input: 1_234, output: 567, cachedInput: 0, cacheWrite: 0, reasoning: 0 },
  { input: 10_000, output: 2_000, cachedInput: 4_000, cacheWrite: 1_000, reasoning: 500 },
  { input: 200_000, output: 100, cachedInput: 0, cacheWrite: 0, reasoning: 0 },
  { input: 200_001, output: 100_000, cachedInput: 50_000, cacheWrite: 0, reasoning: 0 },
  { input: 1_500_000, output: 3, cachedInput: 1_000_000, cacheWrite: 499_999, reasoning: 0 },
  { input: 100, output: 10, cachedInput: 200, cacheWrite: 0, reasoning: 0 }, // parts exceed the whole
];

function library(prices: unknown, u: TokenUsage, provider: ReturnType<typeof findProvider>, model: { id: string }): number | null {
  try {
    const slim = { ...provider!, models: [{ ...model, match: { equals: model.id }, prices }] } as NonNullable<ReturnType<typeof findProvider>>;
    const r = calcPrice({ input_tokens: u.input, output_tokens: u.output, cache_read_tokens: u.cachedInput, cache_write_tokens: u.cacheWrite }, model.id, { provider: slim });
    return r ? r.total_price : null;
  } catch {
    return null;
  }
}

describe("compilePricer", () => {
  it("equals calcPrice for every compiled catalog model and usage", () => {
    let compiled = 0;
    let left = 0;
    for (const id of PROVIDERS) {
      const provider = findProvider({ providerId: id });
      expect(provider, id).toBeTruthy();
      for (const model of provider!.models) {
        const pricer = compilePricer(model.prices);
        if (!pricer) {
          left++;
          continue;
        }
        compiled++;
        for (const u of USAGES) expect(pricer(u), `${id}/${model.id} ${JSON.stringify(u)}`).toBe(library(model.prices, u, provider, model));
      }
    }
    // Most chat models compile; dated, time-of-day and audio/image prices stay with calcPrice.
    expect(compiled).toBeGreaterThan(100);
    expect(left).toBeGreaterThan(0);
  });

  it("leaves dated prices and unknown units to the library", () => {
    expect(compilePricer([{ prices: { input_mtok: 1 } }])).toBeNull();
    expect(compilePricer({ input_mtok: 1, audio_hours: 2 })).toBeNull();
    expect(compilePricer({ cache_read_mtok: 1 })).toBeNull();
    // Shapes the library refuses (no parent price, overlaps without join units, bad numbers).
    expect(compilePricer({ input_mtok: 1, cache_write_1h_mtok: 2 })).toBeNull();
    expect(compilePricer({ input_mtok: 1, output_audio_mtok: 2 })).toBeNull();
    expect(compilePricer({ input_mtok: 1, cache_read_mtok: 0.1, input_audio_mtok: 2 })).toBeNull();
    expect(compilePricer({ input_mtok: Number.NaN })).toBeNull();
    expect(compilePricer({ input_mtok: -1 })).toBeNull();
    expect(compilePricer({ input_mtok: { base: 1, tiers: [{ start: 1.5, price: 2 }] } })).toBeNull();
    expect(compilePricer({ input_mtok: 1, output_mtok: 2, requests_kcount: 3, web_searches_kcount: 10 })).not.toBeNull();
  });
});
