// Checks across config sections that the schema cannot express: aliases that loop or lead
// nowhere, and swap rules whose target cannot be served. Pure, so the loader, /helix/config/validate
// and the dashboard editor report the same issues.
import type { HelixConfig } from "@/lib/config/schema";
import { aliasErrorMessage, describeAliasPath, resolveAlias } from "./aliases";
import { providerForModelName } from "./provider-names";

export interface RoutingIssue {
  /** Path into the config, as zod issues give it (for locating the YAML node). */
  path: (string | number)[];
  message: string;
}

const ALIASES_PATH = ["helix_settings", "gateway", "model_aliases"];
const RULES_PATH = ["helix_settings", "cost_optimization", "rules"];

const unknownModel = (name: string) =>
  `"${name}" is not a model_list model_name and has no provider prefix (gpt-*, claude-*, gemini-*, groq/<model>, openai/<model>, …)`;

/**
 * Issues in model_aliases and cost_optimization.rules, in config order; [] when all is well.
 * A name resolves when it (after aliases) is a model_list model_name or has a provider prefix.
 */
export function validateRoutingConfig(config: HelixConfig): RoutingIssue[] {
  const issues: RoutingIssue[] = [];
  const aliases = config.helix_settings.gateway.model_aliases;
  const modelNames = new Set(config.model_list.map((m) => m.model_name));
  const servable = (name: string) => modelNames.has(name) || providerForModelName(name) !== undefined;

  for (const alias of Object.keys(aliases)) {
    const path = [...ALIASES_PATH, alias];
    if (modelNames.has(alias)) {
      issues.push({ path, message: `alias "${alias}" has the same name as a model_list entry, which it would hide; rename one of them` });
      continue;
    }
    const r = resolveAlias(alias, aliases);
    if (!r.ok) issues.push({ path, message: aliasErrorMessage(r) });
    else if (!servable(r.model)) {
      issues.push({ path, message: `alias target ${unknownModel(r.model)}${r.via.length > 1 ? ` (${describeAliasPath(r)})` : ""}` });
    }
  }

  const seen = new Map<string, number>();
  config.helix_settings.cost_optimization.rules.forEach((rule, i) => {
    const first = seen.get(rule.rule_name);
    if (first !== undefined) {
      issues.push({ path: [...RULES_PATH, i, "rule_name"], message: `rule_name "${rule.rule_name}" is already used by rules[${first}]; rule names identify swaps in logs and headers` });
    } else seen.set(rule.rule_name, i);
    const target = rule.action.model;
    const r = resolveAlias(target, aliases);
    if (!r.ok) {
      issues.push({ path: [...RULES_PATH, i, "action", "model"], message: `swap target "${target}" cannot be resolved: ${aliasErrorMessage(r)}` });
    } else if (!servable(r.model)) {
      issues.push({ path: [...RULES_PATH, i, "action", "model"], message: `swap target ${unknownModel(r.model)}${r.via.length > 0 ? ` (${describeAliasPath(r)})` : ""}` });
    }
  });
  return issues;
}
