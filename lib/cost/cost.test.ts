import { afterEach, describe, expect, it } from "vitest";
import { HelixConfigSchema, type HelixConfig } from "@/lib/config/schema";
import { costOf, estimateMicros, microsAt } from "./cost";
import { usdString } from "./usd";
import { setStoredPricesForTests } from "./prices";
import { fromOpenAIUsage, tokenUsage } from "./tokens";

const AT = new Date("2026-11-29T12:00:00Z");
const cfg = (prices: Record<string, unknown> = {}): HelixConfig =>
  HelixConfigSchema.parse({ helix_settings: { cost_optimization: { prices } } });

afterEach(() => setStoredPricesForTests([]));

describe("microsAt", () => {
  const price = { input_per_mtok: 2.5, output_per_mtok: 10, cached_input_per_mtok: 1.25, per_request_usd: 0 };
  it("prices input and output per million tokens, in micro-USD", () => {
    expect(microsAt(price, tokenUsage(1_000, 100))).toBe(2_500 + 1_000);
  });
  it("prices cached input, cache writes and reasoning at their rates (defaults: input/output)", () => {
    const u = { input: 1_000, output: 100, cachedInput: 400, cacheWrite: 100, reasoning: 60 };
    // 500 plain input × 2.5 + 400 cached × 1.25 + 100 written × 2.5 (default) + 40 output × 10 + 60 reasoning × 10
    expect(microsAt(price, u)).toBe(1_250 + 500 + 250 + 400 + 600);
    expect(microsAt({ ...price, cache_write_per_mtok: 3.125, reasoning_per_mtok: 20 }, u)).toBe(1_250 + 500 + 313 + 400 + 1_200);
  });
  it("adds the per-request fee and rounds a non-zero cost up, never down to $0", () => {
    expect(microsAt({ ...price, per_request_usd: 0.001 }, tokenUsage(0, 0))).toBe(1_000);
    expect(microsAt({ input_per_mtok: 0.02, output_per_mtok: 0, per_request_usd: 0 }, tokenUsage(10, 0))).toBe(1);
    expect(microsAt(price, tokenUsage(0, 0))).toBe(0);
  });
});

describe("costOf", () => {
  it("prices catalog models from the shipped catalog", () => {
    const c = costOf("openai", "gpt-4o", tokenUsage(1_000_000, 1_000_000), AT, cfg());
    expect(c).toEqual({ micros: 12_500_000, status: "priced", source: "catalog" });
    // Anthropic: cache reads at a tenth of the input price.
    const a = costOf("anthropic", "claude-3-5-haiku-latest", { input: 1_000_000, output: 0, cachedInput: 1_000_000, cacheWrite: 0, reasoning: 0 }, AT, cfg());
    expect(a.micros).toBe(80_000);
    expect(costOf("gemini", "gemini-2.0-flash", tokenUsage(1_000_000, 0), AT, cfg()).micros).toBe(100_000);
    expect(costOf("groq", "llama-3.1-8b-instant", tokenUsage(0, 1_000_000), AT, cfg()).micros).toBe(80_000);
    expect(costOf("openai", "text-embedding-3-small", tokenUsage(1_000, 0), AT, cfg()).micros).toBe(20);
  });

  it("flags an unknown model as unknown, never $0", () => {
    expect(costOf("openai", "gpt-does-not-exist", tokenUsage(10, 10), AT, cfg())).toEqual({ micros: null, status: "unknown" });
    // OpenAI-compatible servers are not in the catalog (a llama on vLLM is not Groq's llama).
    expect(costOf("openai-compatible", "llama-3.1-8b-instant", tokenUsage(10, 10), AT, cfg()).status).toBe("unknown");
  });

  it("nothing billed is 'none', whatever the price", () => {
    expect(costOf("openai", "gpt-does-not-exist", tokenUsage(0, 0), AT, cfg())).toEqual({ micros: 0, status: "none" });
    expect(costOf("openai", "gpt-4o", undefined, AT, cfg())).toEqual({ micros: 0, status: "none" });
  });

  it("config prices override the catalog, by provider/model or by model", () => {
    const c = cfg({ "gpt-4o": { input_per_mtok: 1, output_per_mtok: 2 }, "openai-compatible/llama3": { input_per_mtok: 0.1, output_per_mtok: 0.2 } });
    expect(costOf("openai", "gpt-4o", tokenUsage(1_000_000, 1_000_000), AT, c)).toEqual({ micros: 3_000_000, status: "priced", source: "config" });
    expect(costOf("openai-compatible", "llama3", tokenUsage(1_000_000, 1_000_000), AT, c)).toEqual({ micros: 300_000, status: "priced", source: "config" });
  });

  it("database overrides win from their effective date on; earlier requests keep the earlier price", () => {
    const row = (input: number, from: string, provider: string | null = null) => ({
      id: from,
      provider,
      model: "gpt-4o",
      price: { input_per_mtok: input, output_per_mtok: 0, per_request_usd: 0 },
      effectiveFrom: new Date(from),
      createdAt: new Date(from),
      createdBy: "master",
    });
    setStoredPricesForTests([row(5, "2026-11-01T00:00:00Z"), row(7, "2026-12-01T00:00:00Z"), row(6, "2026-11-01T00:00:00Z", "openai")]);
    const c = cfg({ "gpt-4o": { input_per_mtok: 1, output_per_mtok: 2 } });
    // Same date: the provider-specific row wins.
    expect(costOf("openai", "gpt-4o", tokenUsage(1_000_000, 0), AT, c)).toMatchObject({ micros: 6_000_000, source: "database" });
    expect(costOf("openai", "gpt-4o", tokenUsage(1_000_000, 0), new Date("2026-12-02T00:00:00Z"), c)).toMatchObject({ micros: 7_000_000 });
    // Before any override: the config's price.
    expect(costOf("openai", "gpt-4o", tokenUsage(1_000_000, 0), new Date("2026-10-01T00:00:00Z"), c)).toMatchObject({ micros: 1_000_000, source: "config" });
  });

  it("marks estimated usage", () => {
    expect(costOf("openai", "gpt-4o", tokenUsage(1_000, 0), AT, cfg(), true)).toMatchObject({ micros: 2_500, status: "estimated" });
  });
});

describe("estimateMicros", () => {
  it("reserves prompt + max output at the model's price; null when unpriced", () => {
    const t = (provider: "openai" | "anthropic", upstreamModel: string) => ({ provider, upstreamModel });
    expect(estimateMicros([t("openai", "gpt-4o")], 1_000, 500, AT, cfg())).toBe(2_500 + 5_000);
    expect(estimateMicros([t("openai", "nope-model")], 1_000, 500, AT, cfg())).toBeNull();
    // The dearest deployment of the chain (a fallback may serve it), unpriced ones ignored.
    expect(estimateMicros([t("openai", "gpt-4o-mini"), t("openai", "nope-model"), t("openai", "gpt-4o")], 1_000, 500, AT, cfg())).toBe(7_500);
  });
  it("reserves at the long-prompt tier when the prompt reaches it", () => {
    // claude-sonnet-4-5 doubles its input price above 200k prompt tokens.
    const t = [{ provider: "anthropic" as const, upstreamModel: "claude-sonnet-4-5" }];
    const short = estimateMicros(t, 100_000, 0, AT, cfg())!;
    const long = estimateMicros(t, 300_000, 0, AT, cfg())!;
    expect(long / 300_000).toBeGreaterThan((short / 100_000) * 1.5);
  });
});

describe("usage and formatting", () => {
  it("normalises OpenAI usage (cached and reasoning tokens are parts of the totals)", () => {
    expect(
      fromOpenAIUsage({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 40, cache_creation_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toEqual({ input: 100, output: 50, cachedInput: 40, cacheWrite: 10, reasoning: 20 });
    expect(fromOpenAIUsage({ prompt_tokens: -3, completion_tokens: Number.NaN, total_tokens: 0, prompt_tokens_details: { cached_tokens: 999 } })).toEqual({
      input: 0,
      output: 0,
      cachedInput: 0,
      cacheWrite: 0,
      reasoning: 0,
    });
    expect(fromOpenAIUsage(undefined)).toBeUndefined();
  });
  it("formats micro-USD as USD", () => {
    expect([usdString(0), usdString(1), usdString(1_500_000), usdString(100_000_000), usdString(123_456)]).toEqual(["0", "0.000001", "1.5", "100", "0.123456"]);
  });
});
