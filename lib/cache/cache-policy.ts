// Who decides whether a request is cached and how close a paraphrase must be. Precedence, most
// specific first: the key, its team, the per-model config (semantic_cache.thresholds), the global
// config. The key and team part is resolved once per lookup (it rides on the Caller); the config
// part per request, since the config can be reloaded.
import "server-only";
import type { HelixConfig } from "@/lib/config/schema";
import type { CacheSettings } from "@/lib/store/cache-settings";

/** A caller's cache policy with key-over-team already applied; absent fields follow the config. */
export interface CachePolicy {
  enabled?: boolean;
  semanticThreshold?: number;
}

/** Key over team; undefined when neither sets anything (the config decides). */
export function resolveCachePolicy(key: CacheSettings | null | undefined, team: CacheSettings | null | undefined): CachePolicy | undefined {
  const enabled = key?.enabled ?? team?.enabled ?? undefined;
  const semanticThreshold = key?.semanticThreshold ?? team?.semanticThreshold ?? undefined;
  if (enabled === undefined && semanticThreshold === undefined) return undefined;
  return { ...(enabled !== undefined ? { enabled } : {}), ...(semanticThreshold !== undefined ? { semanticThreshold } : {}) };
}

/**
 * Whether the caches serve this caller. The config's switch is the operator's kill switch: a key
 * or team set to true re-enables what a team turned off, but never a cache the config turned off.
 */
export function cacheEnabledFor(policy: CachePolicy | undefined, cacheConfigEnabled: boolean): boolean {
  return cacheConfigEnabled && policy?.enabled !== false;
}

/** The cosine similarity a semantic hit needs: key/team, then per model, then global. */
export function semanticThresholdFor(
  policy: CachePolicy | undefined,
  cfg: Pick<HelixConfig["helix_settings"]["semantic_cache"], "thresholds" | "similarity_threshold">,
  model: string,
): number {
  // hasOwn: a model named like an Object.prototype member ("constructor") has no threshold.
  const perModel = Object.hasOwn(cfg.thresholds, model) ? cfg.thresholds[model] : undefined;
  return policy?.semanticThreshold ?? perModel ?? cfg.similarity_threshold;
}
