// Model-swap rules (helix_settings.cost_optimization.rules): evaluated in the order written, the
// first rule whose conditions all hold decides. Pure: the facts are gathered by the model-swap
// stage, so the rules can be tested (and previewed in the dashboard) without a request.
import type { NumericTest, SwapConditions, SwapRule } from "@/lib/cost/cost-schema";

/** Something a name condition can match: its id and, where known, its name (either may match). */
export interface Named {
  id?: string;
  name?: string;
}

/** What the rules can see of one request. */
export interface SwapFacts {
  /** The model the client asked for. */
  model: string;
  /** That name after model aliases, when it is an alias; `model` conditions match either. */
  resolvedModel?: string;
  team?: Named;
  key?: Named;
  /** The key's user: its id and external id. */
  user?: Named;
  /** The request's `user` field. */
  end_user?: string;
  /** max_completion_tokens ?? max_tokens; undefined = unlimited ("< x" false, "> x" true). */
  max_tokens?: number;
  /** The prompt's estimated tokens; undefined = not estimated (conditions on it are false). */
  prompt_tokens?: number;
  /** The highest share of any budget on the request, in percent; undefined = no budget (false). */
  budget_used_pct?: number;
  stream: boolean;
  tools: boolean;
}

export interface SwapDecision {
  /** The rule's rule_name. */
  rule: string;
  /** The model to serve instead (as written in the rule: a model_name, provider/model or alias). */
  model: string;
  reason: string;
}

/** One pattern: exact, or a prefix when it ends in "*" ("*" alone: any value). Case-sensitive, like model names. */
export function nameMatches(pattern: string, value: string): boolean {
  return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function anyMatches(patterns: readonly string[], values: readonly (string | undefined)[]): boolean {
  const present = values.filter((v): v is string => v !== undefined && v !== "");
  return patterns.some((p) => present.some((v) => nameMatches(p, v)));
}

const namedValues = (n: Named | undefined) => [n?.id, n?.name];

/** All bounds of a test must hold ({gte: 100, lt: 500} is a range). */
export function numberMatches(test: NumericTest, value: number): boolean {
  return (
    (test.lt === undefined || value < test.lt) &&
    (test.lte === undefined || value <= test.lte) &&
    (test.gt === undefined || value > test.gt) &&
    (test.gte === undefined || value >= test.gte) &&
    (test.eq === undefined || value === test.eq)
  );
}

/** Whether every condition of a rule holds for the facts (an empty set always holds). */
export function conditionsHold(c: SwapConditions, f: SwapFacts): boolean {
  if (c.model && !anyMatches(c.model, [f.model, f.resolvedModel])) return false;
  if (c.team && !anyMatches(c.team, namedValues(f.team))) return false;
  if (c.key && !anyMatches(c.key, namedValues(f.key))) return false;
  if (c.user && !anyMatches(c.user, namedValues(f.user))) return false;
  if (c.end_user && !anyMatches(c.end_user, [f.end_user])) return false;
  // No limit is an unlimited one: larger than any bound.
  if (c.max_tokens && !numberMatches(c.max_tokens, f.max_tokens ?? Number.POSITIVE_INFINITY)) return false;
  if (c.prompt_tokens && (f.prompt_tokens === undefined || !numberMatches(c.prompt_tokens, f.prompt_tokens))) return false;
  if (c.budget_used_pct && (f.budget_used_pct === undefined || !numberMatches(c.budget_used_pct, f.budget_used_pct))) return false;
  if (c.stream !== undefined && c.stream !== f.stream) return false;
  if (c.tools !== undefined && c.tools !== f.tools) return false;
  return true;
}

/** The first rule whose conditions hold (with its index), whether or not it changes the model. */
export function firstMatchingRule(rules: readonly SwapRule[], facts: SwapFacts): { rule: SwapRule; index: number } | undefined {
  const index = rules.findIndex((r) => conditionsHold(r.conditions, facts));
  return index < 0 ? undefined : { rule: rules[index], index };
}

const OPS: [keyof NumericTest, string][] = [
  ["lt", "<"],
  ["lte", "<="],
  ["gt", ">"],
  ["gte", ">="],
  ["eq", "=="],
];

/** A reason for a rule without one: its conditions, e.g. "model gpt-4o, max_tokens <= 256". */
export function describeConditions(c: SwapConditions): string {
  const parts: string[] = [];
  for (const k of ["model", "team", "key", "user", "end_user"] as const) {
    const v = c[k];
    if (v) parts.push(`${k} ${v.join("|")}`);
  }
  for (const k of ["max_tokens", "prompt_tokens", "budget_used_pct"] as const) {
    const t = c[k];
    if (t) for (const [op, sym] of OPS) if (t[op] !== undefined) parts.push(`${k} ${sym} ${t[op]}`);
  }
  if (c.stream !== undefined) parts.push(`stream ${c.stream}`);
  if (c.tools !== undefined) parts.push(`tools ${c.tools}`);
  return parts.length > 0 ? parts.join(", ") : "every request";
}

/**
 * The swap for a request, or undefined. First match wins; a matching rule whose action.model is
 * the requested model (or, for an alias, the model it stands for) is a no-op: it stops
 * evaluation and nothing is swapped, so a rule can exempt requests from later rules.
 */
export function evaluateSwapRules(rules: readonly SwapRule[], facts: SwapFacts): SwapDecision | undefined {
  const m = firstMatchingRule(rules, facts);
  if (!m) return undefined;
  const { rule } = m;
  if (rule.action.model === facts.model || rule.action.model === facts.resolvedModel) return undefined;
  return { rule: rule.rule_name, model: rule.action.model, reason: rule.action.reason ?? describeConditions(rule.conditions) };
}
