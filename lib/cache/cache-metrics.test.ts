import { describe, expect, it } from "vitest";
import { summarise } from "./cache-metrics";

describe("summarise", () => {
  it("totals, hit rates (bypasses excluded), and per model/tenant breakdowns", () => {
    const s = summarise({
      hit: 3,
      semantic_hit: 1,
      miss: 4,
      bypass: 2,
      saved_ms: 1500,
      saved_prompt_tokens: 40,
      saved_completion_tokens: 20,
      "model:gpt-4o:hit": 3,
      "model:gpt-4o:miss": 1,
      "model:ft:gpt-4o-mini:org::x:semantic_hit": 1,
      "tenant:team:t1:hit": 2,
      "tenant:team:t1:miss": 2,
    });
    expect(s).toMatchObject({ requests: 10, hit_rate: 0.5, saved_ms: 1500, saved_prompt_tokens: 40, saved_completion_tokens: 20 });
    expect(s.by_model["gpt-4o"]).toMatchObject({ hit: 3, miss: 1, hit_rate: 0.75 });
    expect(s.by_model["ft:gpt-4o-mini:org::x"]).toMatchObject({ semantic_hit: 1, hit_rate: 1 });
    expect(s.by_tenant["team:t1"]).toMatchObject({ hit: 2, miss: 2, hit_rate: 0.5 });
  });

  it("is all zeros when nothing was counted", () => {
    expect(summarise({})).toMatchObject({ requests: 0, hit_rate: 0, by_model: {}, by_tenant: {} });
  });
});
