// Requested model name → the ordered deployments to try. Runs on every request, so everything
// that depends only on the config and the environment is computed once per config object.
import "server-only";
import type { HelixConfig, ModelEntry } from "@/lib/config/schema";
import { env, readNamedSecret, type Env } from "@/lib/env";
import { defaultApiBase, defaultApiKey } from "@/lib/providers/registry";
import { HelixError, ModelNotFoundError } from "@/lib/errors";
import { aliasErrorMessage, resolveAlias, type AliasResolution } from "./aliases";
import { providerForModelName } from "./provider-names";
import type { ProviderId, ProviderTarget } from "@/lib/providers/types";

/** A deployment plus the model_list name it came from (differs from the request for fallbacks). */
export interface ResolvedTarget extends ProviderTarget {
  modelName: string;
}

export interface ResolvedModel {
  requested: string;
  /** The name after model aliases (equal to `requested` when it is not an alias). */
  model: string;
  /** In order: the name's own deployments (file order), then its fallbacks', depth first. Never empty. */
  chain: ResolvedTarget[];
}

/** One model to advertise at /v1/models. */
export interface ListedModel {
  id: string;
  owned_by: ProviderId;
}

// The schema's provider list and the provider registry's must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const providerListsMatch: Same<ModelEntry["provider"], ProviderId> = true;
void providerListsMatch;

// Moved to the pure ./provider-names (config validation needs it); re-exported for existing callers.
export { providerForModelName };

const stripSlashes = (url: string) => url.replace(/\/+$/, "");

function makeTarget(
  modelName: string,
  provider: ProviderId,
  upstreamModel: string,
  entry?: Pick<ModelEntry, "api_base" | "api_key_env" | "headers">,
): ResolvedTarget {
  // The schema guarantees api_base for openai-compatible, so "" cannot happen for a valid config.
  // openai-compatible has no default key: sending e.g. the OpenAI key to an arbitrary server would leak it.
  const base = entry?.api_base ?? defaultApiBase(provider) ?? "";
  const apiKey = (entry?.api_key_env ? readNamedSecret(entry.api_key_env) : undefined) ?? defaultApiKey(provider);
  const target: ResolvedTarget = { provider, upstreamModel, apiBase: stripSlashes(base), modelName };
  if (apiKey !== undefined) target.apiKey = apiKey;
  if (entry && Object.keys(entry.headers).length > 0) target.headers = { ...entry.headers };
  return Object.freeze(target);
}

/** Two entries that would send the identical request are one deployment. */
function targetKey(t: ResolvedTarget): string {
  const headers = t.headers ? Object.entries(t.headers).sort(([a], [b]) => a.localeCompare(b)) : [];
  return JSON.stringify([t.provider, t.apiBase, t.upstreamModel, t.apiKey ?? null, headers]);
}

interface ModelIndex {
  env: Env;
  /** Every alias, followed once per config. */
  aliases: Map<string, AliasResolution>;
  chains: Map<string, readonly ResolvedTarget[]>;
  models: readonly ListedModel[];
}

function buildIndex(cfg: HelixConfig, e: Env): ModelIndex {
  const byName = new Map<string, ModelEntry[]>();
  for (const entry of cfg.model_list) {
    const list = byName.get(entry.model_name);
    if (list) list.push(entry);
    else byName.set(entry.model_name, [entry]);
  }
  const targets = new Map<ModelEntry, ResolvedTarget>();
  for (const entry of cfg.model_list) {
    targets.set(entry, makeTarget(entry.model_name, entry.provider, entry.model, entry));
  }

  // Depth first: falling back to B means "whatever requesting B would do", B's fallbacks included.
  const chainFor = (name: string): readonly ResolvedTarget[] => {
    const out: ResolvedTarget[] = [];
    const visited = new Set<string>();
    const seen = new Set<string>();
    const visit = (n: string) => {
      if (visited.has(n)) return; // cycles (a → b → a) and repeated fallbacks
      visited.add(n);
      const entries = byName.get(n) ?? [];
      for (const entry of entries) {
        const t = targets.get(entry)!;
        const key = targetKey(t);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(t);
        }
      }
      // Several entries of one name may each list fallbacks: all of them, in file order.
      for (const entry of entries) for (const f of entry.fallbacks) visit(f);
    };
    visit(name);
    return Object.freeze(out);
  };

  const chains = new Map<string, readonly ResolvedTarget[]>();
  const models: ListedModel[] = [];
  for (const [name, entries] of byName) {
    chains.set(name, chainFor(name));
    models.push(Object.freeze({ id: name, owned_by: entries[0].provider }));
  }
  const aliasMap = cfg.helix_settings.gateway.model_aliases;
  const aliases = new Map<string, AliasResolution>();
  for (const alias of Object.keys(aliasMap)) aliases.set(alias, resolveAlias(alias, aliasMap));
  return { env: e, aliases, chains, models: Object.freeze(models) };
}

const indexes = new WeakMap<HelixConfig, ModelIndex>();

function indexFor(cfg: HelixConfig): ModelIndex {
  // env() returns a new object after resetEnvForTests(), which invalidates keys and base URLs.
  const e = env();
  let idx = indexes.get(cfg);
  if (!idx || idx.env !== e) {
    idx = buildIndex(cfg, e);
    indexes.set(cfg, idx);
  }
  return idx;
}

/** 500 for an alias the config cannot follow or serve (validateRoutingConfig reports both at load). */
export class ModelAliasError extends HelixError {
  constructor(alias: string, problem: string) {
    super(500, "server_error", `The gateway's model alias '${alias}' is misconfigured: ${problem}. Fix helix_settings.gateway.model_aliases.`, {
      param: "model",
      code: "model_alias_invalid",
    });
  }
}

/** The name `name` stands for after model aliases (itself when it is not an alias). */
export function resolveModelName(name: string, cfg: HelixConfig): string {
  const r = indexFor(cfg).aliases.get(name);
  if (!r) return name;
  if (!r.ok) throw new ModelAliasError(name, aliasErrorMessage(r));
  return r.model;
}

/**
 * The deployments to try for `name`: aliases first (helix_settings.gateway.model_aliases, which
 * may chain), then model_list entries (duplicates are alternative deployments, in file order),
 * then fallbacks recursively; otherwise by provider prefix (gpt-*, claude-*, gemini-*,
 * groq/<model>, …). Throws ModelNotFoundError when none applies (naming what the client sent),
 * ModelAliasError for an alias that loops or leads nowhere. The targets are frozen and shared between requests; the
 * array is the caller's own.
 */
export function resolveModel(name: string, cfg: HelixConfig): ResolvedModel {
  const idx = indexFor(cfg);
  const model = resolveModelName(name, cfg);
  const chain = idx.chains.get(model);
  if (chain) return { requested: name, model, chain: [...chain] };
  const p = providerForModelName(model);
  if (!p) {
    if (model !== name) throw new ModelAliasError(name, `its target '${model}' is not in model_list and has no provider prefix`);
    throw new ModelNotFoundError(name);
  }
  return { requested: name, model, chain: [makeTarget(model, p.provider, p.upstreamModel)] };
}

/**
 * Whether a key's model allow-list (empty = all) admits `name`: the name itself, or any name its
 * aliases lead to (an alias of an allowed model serves the same deployments). Allowing an alias
 * does not allow its target by its own name.
 */
export function isModelAllowed(allowed: readonly string[], name: string, cfg: HelixConfig): boolean {
  if (allowed.length === 0 || allowed.includes(name)) return true;
  const r = indexFor(cfg).aliases.get(name);
  if (!r) return false;
  return r.ok ? r.via.some((n) => allowed.includes(n)) || allowed.includes(r.model) : false;
}

/** The configured model names (deduplicated, file order) with the provider of their first deployment. */
export function listModels(cfg: HelixConfig): ListedModel[] {
  return [...indexFor(cfg).models];
}
