// Requested model name → the ordered deployments to try. Runs on every request, so everything
// that depends only on the config and the environment is computed once per config object.
import "server-only";
import type { HelixConfig, ModelEntry } from "@/lib/config/schema";
import { env, readNamedSecret, type Env } from "@/lib/env";
import { defaultApiBase, defaultApiKey } from "@/lib/providers/registry";
import { ModelNotFoundError } from "@/lib/errors";
import type { ProviderId, ProviderTarget } from "@/lib/providers/types";

/** A deployment plus the model_list name it came from (differs from the request for fallbacks). */
export interface ResolvedTarget extends ProviderTarget {
  modelName: string;
}

export interface ResolvedModel {
  requested: string;
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

const EXPLICIT_PREFIX = /^(openai|anthropic|gemini|groq)\/(.+)$/;

/** Which provider serves a model name that is not in model_list (undefined: none). */
export function providerForModelName(name: string): { provider: ProviderId; upstreamModel: string } | undefined {
  const explicit = EXPLICIT_PREFIX.exec(name);
  if (explicit) return { provider: explicit[1] as ProviderId, upstreamModel: explicit[2] };
  // Gemini's embedding names first: text-embedding-004 would otherwise match OpenAI's text-embedding-*.
  if (/^gemini-/.test(name) || name === "text-embedding-004") return { provider: "gemini", upstreamModel: name };
  if (/^claude-/.test(name)) return { provider: "anthropic", upstreamModel: name };
  // ft: is OpenAI's fine-tuned model id form (ft:gpt-4o-mini-2024-07-18:org::id).
  if (/^(gpt-|chatgpt-|text-embedding-|o\d|davinci|babbage|ft:)/.test(name)) return { provider: "openai", upstreamModel: name };
  return undefined;
}

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
  return { env: e, chains, models: Object.freeze(models) };
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

/**
 * The deployments to try for `name`: model_list entries first (duplicates are alternative
 * deployments, in file order), then fallbacks recursively; otherwise by provider prefix
 * (gpt-*, claude-*, gemini-*, groq/<model>, …). Throws ModelNotFoundError when neither applies.
 * The targets are frozen and shared between requests; the array is the caller's own.
 */
export function resolveModel(name: string, cfg: HelixConfig): ResolvedModel {
  const idx = indexFor(cfg);
  const chain = idx.chains.get(name);
  if (chain) return { requested: name, chain: [...chain] };
  const p = providerForModelName(name);
  if (!p) throw new ModelNotFoundError(name);
  return { requested: name, chain: [makeTarget(name, p.provider, p.upstreamModel)] };
}

/** The configured model names (deduplicated, file order) with the provider of their first deployment. */
export function listModels(cfg: HelixConfig): ListedModel[] {
  return [...indexFor(cfg).models];
}
