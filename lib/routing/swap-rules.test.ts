import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SwapRuleSchema, type SwapRule } from "@/lib/cost/cost-schema";
import { conditionsHold, describeConditions, evaluateSwapRules, firstMatchingRule, nameMatches, numberMatches, type SwapFacts } from "./swap-rules";

const rules = (input: unknown[]): SwapRule[] => z.array(SwapRuleSchema).parse(input);
const rule = (conditions: Record<string, unknown>, model = "gpt-4o-mini", name = "r") => rules([{ rule_name: name, conditions, action: { model } }])[0];

const FACTS: SwapFacts = {
  model: "gpt-4o",
  team: { id: "team_1", name: "research" },
  key: { id: "key_1", name: "ci-bot" },
  user: { id: "usr_1", name: "alice@example.com" },
  end_user: "customer-42",
  max_tokens: 200,
  prompt_tokens: 1_000,
  budget_used_pct: 85,
  stream: false,
  tools: false,
};
const holds = (conditions: Record<string, unknown>, facts: Partial<SwapFacts> = {}) => conditionsHold(rule(conditions).conditions, { ...FACTS, ...facts });

describe("name conditions", () => {
  it("match exactly, or by prefix with a trailing *", () => {
    expect(nameMatches("gpt-4o", "gpt-4o")).toBe(true);
    expect(nameMatches("gpt-4o", "gpt-4o-mini")).toBe(false);
    expect(nameMatches("gpt-4o*", "gpt-4o-mini")).toBe(true);
    expect(nameMatches("gpt-4o*", "gpt-4o")).toBe(true);
    expect(nameMatches("gpt-4o*", "gpt-4")).toBe(false);
    expect(nameMatches("*", "anything")).toBe(true);
    expect(nameMatches("GPT-4o", "gpt-4o")).toBe(false); // model names are case-sensitive
  });

  it("model: the requested name, or the name its alias stands for; a list matches any", () => {
    expect(holds({ model: "gpt-4o" })).toBe(true);
    expect(holds({ model: "claude-*" })).toBe(false);
    expect(holds({ model: ["claude-*", "gpt-4*"] })).toBe(true);
    expect(holds({ model: "gpt-4o" }, { model: "smart", resolvedModel: "gpt-4o" })).toBe(true);
    expect(holds({ model: "smart" }, { model: "smart", resolvedModel: "gpt-4o" })).toBe(true);
  });

  it("team, key and user match by id or by name", () => {
    expect(holds({ team: "team_1" })).toBe(true);
    expect(holds({ team: "research" })).toBe(true);
    expect(holds({ team: "res*" })).toBe(true);
    expect(holds({ team: "sales" })).toBe(false);
    expect(holds({ key: "ci-*" })).toBe(true);
    expect(holds({ key: "key_1" })).toBe(true);
    expect(holds({ user: "alice@example.com" })).toBe(true);
    expect(holds({ user: ["bob", "usr_1"] })).toBe(true);
    expect(holds({ user: "bob" })).toBe(false);
  });

  it("a caller without a team, user or end user matches no condition on it (not even *)", () => {
    expect(holds({ team: "*" }, { team: undefined })).toBe(false);
    expect(holds({ team: "*" }, { team: {} })).toBe(false);
    expect(holds({ user: "*" }, { user: { id: undefined, name: undefined } })).toBe(false);
    expect(holds({ end_user: "*" }, { end_user: undefined })).toBe(false);
    expect(holds({ end_user: "*" }, { end_user: "" })).toBe(false);
    expect(holds({ end_user: "customer-*" })).toBe(true);
  });
});

describe("numeric conditions", () => {
  it("each comparison, as text or as an object; several bounds make a range", () => {
    expect(numberMatches({ lt: 200 }, 200)).toBe(false);
    expect(numberMatches({ lte: 200 }, 200)).toBe(true);
    expect(numberMatches({ gt: 200 }, 200)).toBe(false);
    expect(numberMatches({ gte: 200 }, 200)).toBe(true);
    expect(numberMatches({ eq: 200 }, 200)).toBe(true);
    expect(numberMatches({ gte: 100, lt: 500 }, 499)).toBe(true);
    expect(numberMatches({ gte: 100, lt: 500 }, 500)).toBe(false);
    expect(holds({ max_tokens: "<= 256" })).toBe(true);
    expect(holds({ max_tokens: "< 200" })).toBe(false);
    expect(holds({ max_tokens: { gt: 100, lte: 200 } })).toBe(true);
    expect(holds({ prompt_tokens: "> 999" })).toBe(true);
    expect(holds({ prompt_tokens: ">= 2000" })).toBe(false);
    expect(holds({ budget_used_pct: ">= 80" })).toBe(true);
    expect(holds({ budget_used_pct: "== 85" })).toBe(true);
    expect(holds({ budget_used_pct: "< 50" })).toBe(false);
  });

  it("an absent max_tokens is unlimited: never below a bound, always above one", () => {
    expect(holds({ max_tokens: "< 1000000" }, { max_tokens: undefined })).toBe(false);
    expect(holds({ max_tokens: "<= 256" }, { max_tokens: undefined })).toBe(false);
    expect(holds({ max_tokens: "> 4096" }, { max_tokens: undefined })).toBe(true);
    expect(holds({ max_tokens: ">= 1" }, { max_tokens: undefined })).toBe(true);
    expect(holds({ max_tokens: "== 0" }, { max_tokens: undefined })).toBe(false);
  });

  it("no budget (or no estimate): conditions on it are false either way", () => {
    expect(holds({ budget_used_pct: ">= 0" }, { budget_used_pct: undefined })).toBe(false);
    expect(holds({ budget_used_pct: "< 50" }, { budget_used_pct: undefined })).toBe(false);
    expect(holds({ prompt_tokens: "< 10" }, { prompt_tokens: undefined })).toBe(false);
    expect(holds({ prompt_tokens: "> 10" }, { prompt_tokens: undefined })).toBe(false);
  });
});

describe("stream, tools and combinations", () => {
  it("booleans compare as given", () => {
    expect(holds({ stream: false })).toBe(true);
    expect(holds({ stream: true })).toBe(false);
    expect(holds({ stream: true }, { stream: true })).toBe(true);
    expect(holds({ tools: true }, { tools: true })).toBe(true);
    expect(holds({ tools: false }, { tools: true })).toBe(false);
  });

  it("every condition must hold; no conditions always holds", () => {
    expect(holds({})).toBe(true);
    expect(holds({ model: "gpt-4o", team: "research", max_tokens: "< 500", stream: false })).toBe(true);
    expect(holds({ model: "gpt-4o", team: "research", max_tokens: "< 500", stream: true })).toBe(false);
  });
});

describe("evaluateSwapRules", () => {
  const RULES = rules([
    { rule_name: "exempt-research", conditions: { team: "research", budget_used_pct: "< 50" }, action: { model: "gpt-4o" } },
    { rule_name: "short-answers", conditions: { model: "gpt-4o*", max_tokens: "<= 256" }, action: { model: "gpt-4o-mini", reason: "short answers do not need the large model" } },
    { rule_name: "near-budget", conditions: { budget_used_pct: ">= 80" }, action: { model: "groq/llama-3.1-8b-instant" } },
  ]);

  it("the first matching rule wins, in the order written", () => {
    expect(evaluateSwapRules(RULES, FACTS)).toEqual({ rule: "short-answers", model: "gpt-4o-mini", reason: "short answers do not need the large model" });
    expect(evaluateSwapRules(RULES, { ...FACTS, max_tokens: undefined })).toEqual({
      rule: "near-budget",
      model: "groq/llama-3.1-8b-instant",
      reason: "budget_used_pct >= 80",
    });
    expect(evaluateSwapRules([RULES[2], RULES[1]], FACTS)?.rule).toBe("near-budget");
  });

  it("no match: no swap", () => {
    expect(evaluateSwapRules(RULES, { ...FACTS, max_tokens: 1_000, budget_used_pct: 10, team: undefined })).toBeUndefined();
    expect(evaluateSwapRules([], FACTS)).toBeUndefined();
  });

  it("a matching rule whose target is the requested model is a no-op that stops evaluation", () => {
    const facts = { ...FACTS, budget_used_pct: 10, max_tokens: 100 };
    expect(firstMatchingRule(RULES, facts)?.index).toBe(0);
    expect(evaluateSwapRules(RULES, facts)).toBeUndefined(); // short-answers would match, but never runs
    // Also when the request named an alias of the target.
    expect(evaluateSwapRules(rules([{ rule_name: "x", action: { model: "gpt-4o" } }]), { ...FACTS, model: "smart", resolvedModel: "gpt-4o" })).toBeUndefined();
  });

  it("a rule without a reason explains itself by its conditions", () => {
    expect(describeConditions(rule({}).conditions)).toBe("every request");
    expect(describeConditions(rule({ model: ["a", "b*"], team: "t", max_tokens: { gte: 1, lt: 9 }, stream: true, tools: false }).conditions)).toBe(
      "model a|b*, team t, max_tokens < 9, max_tokens >= 1, stream true, tools false",
    );
  });
});
