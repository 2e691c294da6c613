import { describe, expect, it } from "vitest";
import { cacheEnabledFor, resolveCachePolicy, semanticThresholdFor } from "./cache-policy";

const inherit = { enabled: null, semanticThreshold: null };
const cfg = { similarity_threshold: 0.88, thresholds: { "gpt-4o": 0.95 } };

describe("cache policy precedence: key > team > per-model config > global config", () => {
  it("resolves the key over its team, field by field", () => {
    expect(resolveCachePolicy(inherit, inherit)).toBeUndefined();
    expect(resolveCachePolicy(undefined, null)).toBeUndefined();
    expect(resolveCachePolicy(inherit, { enabled: false, semanticThreshold: 0.7 })).toEqual({ enabled: false, semanticThreshold: 0.7 });
    expect(resolveCachePolicy({ enabled: true, semanticThreshold: null }, { enabled: false, semanticThreshold: 0.7 })).toEqual({
      enabled: true,
      semanticThreshold: 0.7,
    });
    expect(resolveCachePolicy({ enabled: null, semanticThreshold: 0.99 }, { enabled: false, semanticThreshold: 0.7 })).toEqual({
      enabled: false,
      semanticThreshold: 0.99,
    });
    // 0 is a setting, not "unset".
    expect(resolveCachePolicy({ enabled: null, semanticThreshold: 0 }, { enabled: null, semanticThreshold: 0.7 })).toEqual({ semanticThreshold: 0 });
  });

  it("the config's switch is a kill switch; a key or team can only turn caching off", () => {
    expect(cacheEnabledFor(undefined, true)).toBe(true);
    expect(cacheEnabledFor({ enabled: false }, true)).toBe(false);
    expect(cacheEnabledFor({ enabled: true }, true)).toBe(true);
    expect(cacheEnabledFor({ enabled: true }, false)).toBe(false);
    expect(cacheEnabledFor({ semanticThreshold: 0.5 }, true)).toBe(true);
  });

  it("threshold: key/team, then per model, then global", () => {
    expect(semanticThresholdFor(undefined, cfg, "gpt-4o-mini")).toBe(0.88);
    expect(semanticThresholdFor(undefined, cfg, "gpt-4o")).toBe(0.95);
    expect(semanticThresholdFor({ semanticThreshold: 0.6 }, cfg, "gpt-4o")).toBe(0.6);
    expect(semanticThresholdFor({ enabled: true }, cfg, "gpt-4o")).toBe(0.95);
    expect(semanticThresholdFor(undefined, cfg, "constructor")).toBe(0.88);
  });
});
