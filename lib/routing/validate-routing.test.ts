import { describe, expect, it } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import { HelixConfigSchema, type HelixConfig } from "@/lib/config/schema";
import { validateRoutingConfig } from "./validate-routing";

// The schema alone: the loader itself refuses what these tests feed the validator.
function config(aliases: Record<string, string>, rules: unknown[] = []): HelixConfig {
  return HelixConfigSchema.parse({
    helix_settings: { gateway: { model_aliases: aliases }, cost_optimization: { rules } },
    model_list: [{ model_name: "smart", provider: "openai", model: "gpt-4o" }],
  });
}
const swap = (rule_name: string, model: string) => ({ rule_name, action: { model } });

describe("validateRoutingConfig", () => {
  it("accepts aliases and rule targets that resolve (model_list, provider prefix, alias chains)", () => {
    const cfg = config({ fast: "gpt-4o-mini", best: "smart", top: "best", claude: "anthropic/claude-sonnet-4-5" }, [
      swap("a", "fast"),
      swap("b", "smart"),
      swap("c", "groq/llama-3.1-8b-instant"),
      swap("d", "top"),
    ]);
    expect(validateRoutingConfig(cfg)).toEqual([]);
    expect(validateRoutingConfig(config({}))).toEqual([]);
  });

  it("reports alias cycles, over-long chains and targets that lead nowhere, at the alias", () => {
    const issues = validateRoutingConfig(
      config({ a: "b", b: "a", typo: "gtp-4o", hop: "typo", l0: "l1", l1: "l2", l2: "l3", l3: "l4", l4: "l5", l5: "gpt-4o" }),
    );
    expect(issues).toEqual([
      { path: ["helix_settings", "gateway", "model_aliases", "a"], message: "model aliases form a cycle: a → b → a" },
      { path: ["helix_settings", "gateway", "model_aliases", "b"], message: "model aliases form a cycle: b → a → b" },
      { path: ["helix_settings", "gateway", "model_aliases", "typo"], message: expect.stringMatching(/^alias target "gtp-4o" is not a model_list model_name/) },
      { path: ["helix_settings", "gateway", "model_aliases", "hop"], message: expect.stringMatching(/"gtp-4o" .* \(hop → typo → gtp-4o\)$/) },
      { path: ["helix_settings", "gateway", "model_aliases", "l0"], message: expect.stringMatching(/longer than 5/) },
    ]);
  });

  it("reports an alias that hides a model_list entry of the same name", () => {
    expect(validateRoutingConfig(config({ smart: "gpt-4o-mini" }))).toEqual([
      { path: ["helix_settings", "gateway", "model_aliases", "smart"], message: expect.stringMatching(/same name as a model_list entry/) },
    ]);
  });

  it("reports rule targets that cannot be served, and repeated rule names", () => {
    const issues = validateRoutingConfig(config({ loop: "loop", nowhere: "llama3" }, [swap("a", "mistral-large"), swap("b", "loop"), swap("a", "nowhere")]));
    const rulesAt = issues.filter((i) => i.path[2] === "rules");
    expect(rulesAt).toEqual([
      { path: ["helix_settings", "cost_optimization", "rules", 0, "action", "model"], message: expect.stringMatching(/^swap target "mistral-large" is not a model_list model_name/) },
      { path: ["helix_settings", "cost_optimization", "rules", 1, "action", "model"], message: 'swap target "loop" cannot be resolved: model aliases form a cycle: loop → loop' },
      { path: ["helix_settings", "cost_optimization", "rules", 2, "rule_name"], message: expect.stringMatching(/already used by rules\[0\]/) },
      { path: ["helix_settings", "cost_optimization", "rules", 2, "action", "model"], message: expect.stringMatching(/"llama3" .*\(nowhere → llama3\)$/) },
    ]);
  });
});

describe("the config loader", () => {
  it("refuses a config with routing issues, naming the alias or rule", () => {
    const r = parseConfigObject({ helix_settings: { gateway: { model_aliases: { a: "b", b: "a" } } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(["helix_settings.gateway.model_aliases.a", "helix_settings.gateway.model_aliases.b"]);
  });
});
