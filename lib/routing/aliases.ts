// Model aliases (helix_settings.gateway.model_aliases): other names for models, resolved before
// model_list. An alias may name a model_name, a provider/model, or another alias (a short chain).
// Pure (no server-only, no env) so config validation and the dashboard use it as is.

/** Longest alias chain followed (a → b is 1 hop); longer chains are config errors. */
export const MAX_ALIAS_DEPTH = 5;

export type AliasResolution =
  /** `via`: the alias names followed, in order (empty when `name` is not an alias). */
  | { ok: true; model: string; via: string[] }
  /** A cycle (a → b → a) or a chain longer than MAX_ALIAS_DEPTH; `via` ends where it went wrong. */
  | { ok: false; error: "cycle" | "too_deep"; via: string[] };

export type AliasMap = Readonly<Record<string, string>>;

/** Own keys only: "constructor" or "__proto__" are not aliases because objects have them. */
export function isAlias(name: string, aliases: AliasMap): boolean {
  return Object.hasOwn(aliases, name);
}

/** The model an alias (chain) stands for; a name that is not an alias stands for itself. */
export function resolveAlias(name: string, aliases: AliasMap, maxDepth = MAX_ALIAS_DEPTH): AliasResolution {
  const via: string[] = [];
  let current = name;
  while (isAlias(current, aliases)) {
    if (via.includes(current)) return { ok: false, error: "cycle", via: [...via, current] };
    if (via.length === maxDepth) return { ok: false, error: "too_deep", via: [...via, current] };
    via.push(current);
    current = aliases[current];
  }
  return { ok: true, model: current, via };
}

/** "fast → quick → gpt-4o-mini": the path a resolution took, for messages. */
export function describeAliasPath(r: AliasResolution): string {
  return r.ok ? [...r.via, r.model].join(" → ") : r.via.join(" → ");
}

/** The message for an alias that cannot be followed. */
export function aliasErrorMessage(r: Extract<AliasResolution, { ok: false }>): string {
  return r.error === "cycle"
    ? `model aliases form a cycle: ${describeAliasPath(r)}`
    : `model alias chain is longer than ${MAX_ALIAS_DEPTH}: ${describeAliasPath(r)}`;
}
