// The `cache` object of the admin API for keys and teams: `enabled` and `similarity_threshold`
// (named as semantic_cache.similarity_threshold in the config, which it overrides). An omitted
// field is left as it is; null resets it to inherit (key → team → config).
import "server-only";
import { z } from "zod";
import type { CacheSettings, CacheSettingsPatch } from "@/lib/store/cache-settings";

export const CacheSettingsBodySchema = z.strictObject({
  enabled: z.boolean().nullable().optional(),
  similarity_threshold: z.number().min(0).max(1).nullable().optional(),
});

export type CacheSettingsBody = z.infer<typeof CacheSettingsBodySchema>;

export function toCachePatch(body: CacheSettingsBody | undefined): CacheSettingsPatch | undefined {
  if (!body) return undefined;
  return {
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    ...(body.similarity_threshold !== undefined ? { semanticThreshold: body.similarity_threshold } : {}),
  };
}

/** How the API shows settings: both fields always present, null = inherited. */
export function presentCache(settings: CacheSettings): { enabled: boolean | null; similarity_threshold: number | null } {
  return { enabled: settings.enabled, similarity_threshold: settings.semanticThreshold };
}
