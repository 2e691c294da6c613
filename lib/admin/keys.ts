import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { InvalidRequestError, NotFoundError } from "@/lib/errors";
import { BudgetSpecSchema, TimeZone } from "@/lib/cost/cost-schema";
import { budgetDefinitions } from "@/lib/cost/budget-definitions";
import { nowMs } from "@/lib/cost/clock";
import { budgetStore } from "@/lib/store/budgets";
import { readJsonBody } from "@/lib/http/read-json-body";
import { createApiKey, listApiKeys, revokeApiKey, updateApiKeyCache } from "@/lib/store/api-keys";
import { CacheSettingsBodySchema, presentCache, toCachePatch } from "./cache-settings";

/** daily | weekly | monthly, or "<N>d" for a period of N days (e.g. "30d"). */
const BudgetPeriodParam = z
  .string()
  .regex(/^(daily|weekly|monthly|[1-9]\d{0,3}d)$/, 'must be daily, weekly, monthly or a number of days such as "30d"')
  .transform((p) => (p.endsWith("d") && p !== "daily" ? { period: "days" as const, period_days: Number(p.slice(0, -1)) } : { period: p as "daily" | "weekly" | "monthly" }));

const perMinute = z.number().int().min(1).max(100_000_000).optional();

const CreateKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  user: z.string().trim().min(1).max(200).optional(),
  team: z.string().trim().min(1).max(200).optional(),
  org: z.string().trim().min(1).max(200).optional(),
  models: z.array(z.string().min(1)).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  cache: CacheSettingsBodySchema.optional(),
  /** The key's own budget (its team's, user's and org's still apply on top). */
  max_budget_usd: BudgetSpecSchema.shape.max_budget_usd.optional(),
  budget_period: BudgetPeriodParam.optional(),
  budget_timezone: TimeZone.optional(),
  /** Requests and tokens per minute for this key. */
  rpm: perMinute,
  tpm: perMinute,
});

const UpdateKeySchema = z.strictObject({ cache: CacheSettingsBodySchema });

/** POST /helix/keys: the clear key is in this response only; the database keeps its hash. */
export async function createKeyResponse(request: Request): Promise<Response> {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, CreateKeySchema, getConfig().helix_settings.general.max_body_bytes);
  const { cache, max_budget_usd, budget_period, budget_timezone, rpm, tpm, ...input } = body;
  if (max_budget_usd === undefined && (budget_period !== undefined || budget_timezone !== undefined)) {
    throw new InvalidRequestError("budget_period and budget_timezone need max_budget_usd.", { param: "max_budget_usd" });
  }
  const created = await createApiKey({ ...input, cache: toCachePatch(cache) });
  let budget: { max_budget_usd: number | null; period: string; period_days: number | null; timezone: string; rpm: number | null; tpm: number | null } | null = null;
  if (max_budget_usd !== undefined || rpm !== undefined || tpm !== undefined) {
    const period = budget_period ?? { period: "monthly" as const };
    const days = "period_days" in period ? (period.period_days ?? null) : null;
    const timezone = budget_timezone ?? "UTC";
    // Written before the key is shown: if it fails, the key is revoked and never leaves this
    // response, so no one holds a key without the limits it was asked with.
    await budgetStore().put(
      "key",
      created.id,
      {
        maxBudgetMicros: max_budget_usd === undefined ? null : Math.round(max_budget_usd * 1_000_000),
        period: period.period,
        periodDays: days,
        timezone,
        soft: false,
        alertThresholds: [],
        rpm: rpm ?? null,
        tpm: tpm ?? null,
        anchor: new Date(nowMs()),
      },
      caller.by,
    ).catch(async (err: unknown) => {
      await revokeApiKey(created.id).catch(() => {});
      throw err;
    });
    budgetDefinitions().invalidate();
    budget = { max_budget_usd: max_budget_usd ?? null, period: period.period, period_days: days, timezone, rpm: rpm ?? null, tpm: tpm ?? null };
  }
  // The only response that ever holds the clear key: no cache anywhere may keep it.
  return Response.json({ ...created, cache: presentCache(created.cache), budget }, { status: 201, headers: { "cache-control": "no-store" } });
}

/** GET /helix/keys */
export async function listKeysResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const keys = await listApiKeys();
  return { object: "list", data: keys.map((k) => ({ ...k, cache: presentCache(k.cache) })) };
}

/** PATCH /helix/keys/{id} `{cache: {enabled?, similarity_threshold?}}`: applies from the next request on every instance. */
export async function updateKeyResponse(request: Request, id: string) {
  await requireAdmin(request);
  const body = await readJsonBody(request, UpdateKeySchema, getConfig().helix_settings.general.max_body_bytes);
  const updated = await updateApiKeyCache(id, toCachePatch(body.cache) ?? {});
  if (!updated) throw new NotFoundError(`No API key with id '${id}'.`, { param: "id" });
  return { ...updated, cache: presentCache(updated.cache) };
}

/** DELETE /helix/keys/{id}: revoked keys fail on every instance from the next request. */
export async function revokeKeyResponse(request: Request, id: string) {
  await requireAdmin(request);
  const revoked = await revokeApiKey(id);
  if (!revoked) throw new NotFoundError(`No API key with id '${id}'.`, { param: "id" });
  return { id, revoked: true };
}
