// The shapes of cost settings: prices, budgets, alert webhooks and model-swap rules. Pure (no
// server-only) so the config schema, the admin API and the dashboard validate them alike.
import { z } from "zod";

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const usd = z.number().finite().min(0);

export const BUDGET_SCOPES = ["key", "user", "end_user", "team", "org", "global"] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ["daily", "weekly", "monthly", "days"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** IANA zone names the runtime knows (Intl throws RangeError for anything else). */
export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)" },
);

/** Per-million-token prices in USD (so tokens × price = micro-USD), plus a flat fee per request. */
export const ModelPriceSchema = z.strictObject({
  input_per_mtok: usd,
  output_per_mtok: usd,
  /** Prompt tokens served from the provider's prompt cache; defaults to the input price. */
  cached_input_per_mtok: usd.optional(),
  /** Prompt tokens written to the provider's prompt cache (Anthropic); defaults to the input price. */
  cache_write_per_mtok: usd.optional(),
  /** Reasoning tokens, where priced apart from output; defaults to the output price. */
  reasoning_per_mtok: usd.optional(),
  per_request_usd: usd.default(0),
});
export type ModelPriceInput = z.input<typeof ModelPriceSchema>;
export type ModelPrice = z.output<typeof ModelPriceSchema>;

const Threshold = int(1, 1_000);
export const DEFAULT_ALERT_THRESHOLDS = [50, 80, 100];

/** A budget's limit and period; the same shape in the config, the admin API and the database. */
export const BudgetSpecSchema = z
  .strictObject({
    max_budget_usd: usd,
    period: z.enum(BUDGET_PERIODS).default("monthly"),
    /** For period "days": the length of each period. */
    period_days: int(1, 3_660).optional(),
    /** Periods start at midnight in this zone (weeks on Monday, months on the 1st). */
    timezone: TimeZone.default("UTC"),
    /** Only alert; never refuse a request. */
    soft: z.boolean().default(false),
    /** Percentages of the limit that alert, once each per period. */
    alert_thresholds: z.array(Threshold).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.period === "days" && b.period_days === undefined) {
      ctx.addIssue({ code: "custom", path: ["period_days"], message: 'period "days" needs period_days (e.g. 14)' });
    }
    if (b.period !== "days" && b.period_days !== undefined) {
      ctx.addIssue({ code: "custom", path: ["period_days"], message: 'period_days applies only to period "days"' });
    }
  });
export type BudgetSpecInput = z.input<typeof BudgetSpecSchema>;
export type BudgetSpec = z.output<typeof BudgetSpecSchema>;

export const WebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** json: Helix's own payload; slack: {text} for Slack (and Mattermost, Discord's /slack) incoming webhooks. */
  format: z.enum(["json", "slack"]).default("json"),
  /** Extra headers, e.g. an Authorization for the receiver. */
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "is not a valid HTTP header name"), z.string()).default({}),
});

// ---- model-swap rules ----

const COMPARISON = /^\s*(<=|>=|<|>|==|=)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** A numeric condition: "< 500", ">= 80", or {lt, lte, gt, gte, eq}. Bare numbers are ambiguous. */
export const NumberCondition = z
  .union([
    z.string().transform((s, ctx) => {
      const m = COMPARISON.exec(s);
      if (!m) {
        ctx.addIssue({ code: "custom", message: `"${s}" is not a comparison; write e.g. "< 500", "<= 500", ">= 80" or "== 0"` });
        return z.NEVER;
      }
      const n = Number(m[2]);
      const op = m[1] === "=" ? "==" : m[1];
      return { lt: op === "<" ? n : undefined, lte: op === "<=" ? n : undefined, gt: op === ">" ? n : undefined, gte: op === ">=" ? n : undefined, eq: op === "==" ? n : undefined };
    }),
    z.strictObject({ lt: z.number().optional(), lte: z.number().optional(), gt: z.number().optional(), gte: z.number().optional(), eq: z.number().optional() }),
    z.number().transform((_n, ctx) => {
      ctx.addIssue({ code: "custom", message: 'a bare number is ambiguous; write a comparison such as "< 500" or ">= 80"' });
      return z.NEVER;
    }),
  ])
  .transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as NumericTest);
export type NumericTest = { lt?: number; lte?: number; gt?: number; gte?: number; eq?: number };

/** One name or several; a trailing * matches a prefix ("gpt-4o*"). */
const NameCondition = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const SwapConditionsSchema = z.strictObject({
  /** The requested model. */
  model: NameCondition.optional(),
  team: NameCondition.optional(),
  key: NameCondition.optional(),
  user: NameCondition.optional(),
  end_user: NameCondition.optional(),
  /** The request's max_tokens / max_completion_tokens (absent counts as unlimited: never "<"). */
  max_tokens: NumberCondition.optional(),
  /** The prompt's estimated tokens. */
  prompt_tokens: NumberCondition.optional(),
  /** The highest share of any budget that applies to the request, in percent. */
  budget_used_pct: NumberCondition.optional(),
  stream: z.boolean().optional(),
  /** Whether the request offers tools. */
  tools: z.boolean().optional(),
});
export type SwapConditions = z.output<typeof SwapConditionsSchema>;

export const SwapRuleSchema = z.strictObject({
  rule_name: z.string().trim().min(1),
  /** All must hold; an empty set always matches. */
  conditions: SwapConditionsSchema.default({}),
  action: z.strictObject({
    /** A model_name (or provider/model) to serve instead. */
    model: z.string().trim().min(1),
    reason: z.string().trim().min(1).optional(),
  }),
});
export type SwapRule = z.output<typeof SwapRuleSchema>;
