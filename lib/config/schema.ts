// The helix.yaml schema. Pure (no server-only, no fs) so the dashboard can validate an edited
// config in the browser too. Every object is strict, so a typo is an error instead of a silently
// ignored setting, and every key has a default, so an empty file is a valid config.
//
// Adding a key to a section is one line in that section's shape (with its default) plus a
// commented line in config/helix.example.yaml; the example test fails until both exist.
import { z } from "zod";
import { allowListSchema, customRecognizersSchema, denyListSchema } from "@/lib/pii/custom-schema";
import { BudgetSpecSchema, DEFAULT_ALERT_THRESHOLDS, ModelPriceSchema, SwapRuleSchema, WebhookSchema } from "@/lib/cost/cost-schema";

export const PROVIDER_IDS = ["openai", "anthropic", "gemini", "groq", "openai-compatible"] as const;
export const PII_ACTIONS = ["redact", "mask", "hash", "tokenize", "block", "allow"] as const;

/** Names readNamedSecret (lib/env.ts) will read; anything else would silently resolve to no key. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** RFC 9110 token characters: anything else cannot be sent as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

/** A section: strict, and absent means "all defaults" (prefault parses {} so inner defaults apply). */
function section<S extends z.core.$ZodLooseShape>(shape: S) {
  const obj = z.strictObject(shape);
  // Every key has a default, so {} is valid input; TypeScript cannot see that through the generic.
  return obj.prefault({} as z.input<typeof obj>);
}

const GeneralSchema = section({
  /** Keep prompt and response text in request logs (off by default: logs hold metadata only). */
  store_prompts: z.boolean().default(false),
  /** Largest request body the gateway accepts, in bytes (413 above it). */
  max_body_bytes: int(1).default(10 * 1024 * 1024),
});

const TimeoutsSchema = section({
  connect_ms: int(1).default(10_000),
  first_byte_ms: int(1).default(600_000),
  stream_idle_ms: int(1).default(120_000),
});

const GatewaySchema = section({
  num_retries: int(0, 10).default(2),
  retry_backoff_ms: int(0).default(250),
  retry_backoff_max_ms: int(0).default(8_000),
  max_retry_after_ms: int(0).default(30_000),
  timeouts: TimeoutsSchema,
  /** Other names for models: {alias: model_name or provider/model}. */
  model_aliases: z.record(z.string().trim().min(1), z.string().trim().min(1)).default({}),
}).refine((g) => g.retry_backoff_max_ms >= g.retry_backoff_ms, {
  path: ["retry_backoff_max_ms"],
  message: "must be at least retry_backoff_ms",
});

export const CACHE_SCOPES = ["tenant", "global"] as const;
export const VECTOR_STORES = ["auto", "pgvector", "redis", "memory"] as const;

/** The exact cache (identical requests) and what both caches share. */
const CacheSchema = section({
  enabled: z.boolean().default(true),
  /** Seconds an answer lives. */
  ttl: int(1).default(2_592_000),
  /** tenant: entries are shared only within a key's team (or the key itself); global: by all keys. */
  scope: z.enum(CACHE_SCOPES).default("tenant"),
  /** In-process store: bytes of cached answers kept (least recently used dropped beyond it). */
  max_memory_bytes: int(1).default(256 * 1024 * 1024),
  /** Answers larger than this (bytes of JSON) are not cached. */
  max_entry_bytes: int(1).default(1024 * 1024),
});

const SemanticCacheSchema = section({
  enabled: z.boolean().default(true),
  similarity_threshold: z.number().min(0).max(1).default(0.88),
  /** Per requested model, overriding similarity_threshold. */
  thresholds: z.record(z.string().min(1), z.number().min(0).max(1)).default({}),
  embedding_model: z.string().trim().min(1).default("all-MiniLM-L6-v2"),
  /** For embedding_model "openai-compatible:<model>": the server's base URL (including /v1). */
  embedding_api_base: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  /** NAME of the environment variable holding that server's key. */
  embedding_api_key_env: z.string().regex(ENV_NAME, "must be the NAME of an environment variable").optional(),
  /** Width to request from that server (e.g. text-embedding-3-*); else learned from its first answer. */
  embedding_dimensions: int(1, 16_384).optional(),
  /** Seconds an entry lives. */
  ttl: int(1).default(2_592_000),
  /** Requests sampled hotter than this want varied answers: no semantic lookup. */
  max_temperature: z.number().min(0).max(2).default(1),
  /** Requests that offer tools are answered semantically only when false. */
  skip_tool_requests: z.boolean().default(true),
  /** Veto hits whose prompts differ in numbers, negation or named entities. */
  guard: z.boolean().default(true),
  vector_store: z.enum(VECTOR_STORES).default("auto"),
});

const EntityName = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "entity names are letters, digits and _ (e.g. EMAIL_ADDRESS)")
  .transform((s) => s.toUpperCase());

// The PII fields without their defaults: the config section adds defaults; a database policy
// (org, team, user or key) is a partial of the same shapes, so both validate alike.
const piiFields = {
  enabled: z.boolean(),
  // Upper-cased so "email_address" and "EMAIL_ADDRESS" mean the same entity; custom entity
  // names are allowed (custom recognizers and deny lists add them), so no closed list here.
  entities: z.array(EntityName),
  action: z.enum(PII_ACTIONS),
  /** Per entity type, overriding `action`, e.g. {PERSON: tokenize, US_SSN: block}. */
  entity_actions: z.record(EntityName, z.enum(PII_ACTIONS)),
  /** Scan for secrets too (API keys, private keys, JWTs, passwords, tokens), whatever `entities` says. */
  secrets: z.boolean(),
  /** Also scan the assistant's answer (content and tool-call arguments, streams and cache hits). */
  scan_output: z.boolean(),
  /** Detections scoring below this are ignored (Presidio's evaluations use 0.4). */
  score_threshold: z.number().min(0).max(1),
  masking_char: z.string().length(1),
  chars_to_mask: int(0),
  from_end: z.boolean(),
  custom_recognizers: customRecognizersSchema,
  allow_list: allowListSchema,
  deny_list: denyListSchema,
};

const PiiProtectionSchema = section({
  enabled: piiFields.enabled.default(true),
  /** Also block what cannot be scanned (token-id embeddings input). Scanner errors always block. */
  strict_mode: z.boolean().default(true),
  entities: piiFields.entities.default(["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"]),
  action: piiFields.action.default("redact"),
  entity_actions: piiFields.entity_actions.default({}),
  secrets: piiFields.secrets.default(true),
  scan_output: piiFields.scan_output.default(false),
  score_threshold: piiFields.score_threshold.default(0.4),
  /** For `mask`: the character, how many characters (0 = all but the last few), from the end. */
  mask: section({
    masking_char: piiFields.masking_char.default("*"),
    chars_to_mask: piiFields.chars_to_mask.default(0),
    from_end: piiFields.from_end.default(false),
  }),
  custom_recognizers: piiFields.custom_recognizers.default([]),
  allow_list: piiFields.allow_list.default([]),
  deny_list: piiFields.deny_list.default({}),
});

/**
 * A stored PII policy: only the pii_protection fields it overrides, every one optional, no
 * defaults (an absent field inherits). strict_mode is deliberately not overridable: it is the
 * deployment's rule for input that cannot be scanned at all.
 */
export const PiiPolicySchema = z.strictObject({
  enabled: piiFields.enabled.optional(),
  entities: piiFields.entities.optional(),
  action: piiFields.action.optional(),
  entity_actions: piiFields.entity_actions.optional(),
  secrets: piiFields.secrets.optional(),
  scan_output: piiFields.scan_output.optional(),
  score_threshold: piiFields.score_threshold.optional(),
  mask: z
    .strictObject({
      masking_char: piiFields.masking_char.optional(),
      chars_to_mask: piiFields.chars_to_mask.optional(),
      from_end: piiFields.from_end.optional(),
    })
    .optional(),
  custom_recognizers: piiFields.custom_recognizers.optional(),
  allow_list: piiFields.allow_list.optional(),
  deny_list: piiFields.deny_list.optional(),
});

export type PiiPolicySettings = z.output<typeof PiiPolicySchema>;

const CostOptimizationSchema = section({
  /** Enforce budgets and apply model-swap rules (cost is recorded either way). */
  enabled: z.boolean().default(true),
  model_swapping: z.boolean().default(true),
  budget_alerts: z.boolean().default(true),
  /** Output tokens reserved against budgets when a request sets no max_tokens. */
  reserve_output_tokens: int(1).default(1_024),
  /** Default alert thresholds (percent of a budget), once each per period. */
  alert_thresholds: z.array(int(1, 1_000)).default(DEFAULT_ALERT_THRESHOLDS),
  alert_webhooks: z.array(WebhookSchema).default([]),
  /** One budget for all traffic. */
  global_budget: BudgetSpecSchema.optional(),
  /** A budget for each end user (the request's `user` field) that has none of its own. */
  end_user_budget: BudgetSpecSchema.optional(),
  /** Price overrides by model (upstream name, or provider/model), over the shipped catalog. */
  prices: z.record(z.string().trim().min(1), ModelPriceSchema).default({}),
  /** Model-swap rules, first match wins. */
  rules: z.array(SwapRuleSchema).default([]),
});

const DashboardSchema = section({
  enabled: z.boolean().default(true),
  port: int(1, 65_535).default(8501),
  /** Seconds between dashboard refreshes. */
  refresh_interval: z.number().positive().default(5),
});

const HelixSettingsSchema = section({
  general: GeneralSchema,
  gateway: GatewaySchema,
  cache: CacheSchema,
  semantic_cache: SemanticCacheSchema,
  pii_protection: PiiProtectionSchema,
  cost_optimization: CostOptimizationSchema,
  dashboard: DashboardSchema,
});

// YAML turns `x-version: 2023` into a number; a header value is text either way.
const HeaderValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const ModelEntrySchema = z
  .strictObject({
    model_name: z.string().trim().min(1),
    provider: z.enum(PROVIDER_IDS),
    model: z.string().trim().min(1).optional(),
    api_base: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
    api_key_env: z
      .string()
      .regex(ENV_NAME, "must be the NAME of an environment variable (A-Z, 0-9, _), not the key itself")
      .optional(),
    headers: z
      .record(z.string().regex(HEADER_NAME, "is not a valid HTTP header name"), HeaderValue)
      .default({}),
    fallbacks: z.array(z.string().trim().min(1)).default([]),
  })
  .superRefine((e, ctx) => {
    // There is no public default for "some OpenAI-compatible server".
    if (e.provider === "openai-compatible" && e.api_base === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["api_base"],
        message: 'provider "openai-compatible" needs api_base (e.g. http://localhost:11434/v1 for Ollama)',
      });
    }
  })
  // The upstream model defaults to the public name so the common case is two lines.
  .transform((e) => ({ ...e, model: e.model ?? e.model_name }));

export const HelixConfigSchema = z
  .strictObject({
    helix_settings: HelixSettingsSchema,
    // Duplicate model_name entries are allowed on purpose: they are alternative deployments of
    // one public name, tried in file order before any fallback.
    model_list: z.array(ModelEntrySchema).default([]),
  })
  .prefault({})
  .superRefine((cfg, ctx) => {
    const names = new Set(cfg.model_list.map((m) => m.model_name));
    cfg.model_list.forEach((m, i) => {
      m.fallbacks.forEach((f, j) => {
        if (!names.has(f)) {
          ctx.addIssue({
            code: "custom",
            path: ["model_list", i, "fallbacks", j],
            message: `fallback "${f}" is not a model_name in model_list`,
          });
        }
      });
    });
  });

/** The effective config (all defaults applied). Treat as immutable: the loader freezes it. */
export type HelixConfig = z.output<typeof HelixConfigSchema>;
/** What a file may contain (everything optional). */
export type HelixConfigInput = z.input<typeof HelixConfigSchema>;
export type HelixSettings = HelixConfig["helix_settings"];
export type ModelEntry = HelixConfig["model_list"][number];
export type PiiAction = (typeof PII_ACTIONS)[number];
