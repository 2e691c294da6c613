// Per-key and per-team cache settings as stored (api_keys / teams: cache_enabled,
// semantic_threshold). NULL means "inherit": a key from its team, a team from the config.
import "server-only";

export interface CacheSettings {
  /** false: exact and semantic caches off; null = inherit. */
  enabled: boolean | null;
  /** 0..1, overrides the configured semantic thresholds; null = inherit. */
  semanticThreshold: number | null;
}

/** A change to CacheSettings: an absent field is kept, null resets it to inherit. */
export interface CacheSettingsPatch {
  enabled?: boolean | null;
  semanticThreshold?: number | null;
}

export function cacheSettingsOf(row: { cacheEnabled: boolean | null; semanticThreshold: number | null }): CacheSettings {
  return { enabled: row.cacheEnabled, semanticThreshold: row.semanticThreshold };
}

/** The Prisma `data` for a patch (only the fields it sets); throws on a threshold outside 0..1. */
export function cacheSettingsData(patch: CacheSettingsPatch | undefined): { cacheEnabled?: boolean | null; semanticThreshold?: number | null } {
  const data: { cacheEnabled?: boolean | null; semanticThreshold?: number | null } = {};
  if (!patch) return data;
  if (patch.enabled !== undefined) data.cacheEnabled = patch.enabled;
  if (patch.semanticThreshold !== undefined) {
    const t = patch.semanticThreshold;
    // The API validates too; the store refuses on its own so no caller can store a threshold that
    // would make every prompt (or none) a semantic hit by mistake.
    if (t !== null && !(Number.isFinite(t) && t >= 0 && t <= 1)) throw new RangeError(`semantic threshold must be within 0..1, got ${t}`);
    data.semanticThreshold = t;
  }
  return data;
}
