// Admin API for prices: what a model costs now and where that price comes from (database
// override, config, catalog), and dated overrides stored in the database. An override takes
// effect at its effective_from (default: now) and never reprices requests already recorded.
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { ModelPriceSchema } from "@/lib/cost/cost-schema";
import { quotePrice, refreshStoredPrices } from "@/lib/cost/prices";
import { InvalidRequestError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import { PROVIDER_IDS } from "@/lib/config/schema";
import { resolveModel } from "@/lib/routing/resolve-model";
import { getDb } from "@/lib/store/db";
import { addStoredPrice, deleteStoredPrice, listStoredPrices, type StoredPrice } from "@/lib/store/model-prices";
import { nowMs } from "@/lib/cost/clock";

const AddPriceSchema = ModelPriceSchema.extend({
  /** The upstream model name as the provider reports it (e.g. gpt-4o-2024-08-06, llama3.1:8b). */
  model: z.string().trim().min(1),
  /** Only this provider's deployments; absent = any provider serving that model name. */
  provider: z.enum(PROVIDER_IDS).optional(),
  /** ISO 8601; default now. A future date schedules a price change. */
  effective_from: z.iso.datetime({ offset: true }).optional(),
});

function present(p: StoredPrice) {
  return {
    object: "model.price",
    id: p.id,
    provider: p.provider,
    model: p.model,
    ...p.price,
    effective_from: p.effectiveFrom,
    created_at: p.createdAt,
    created_by: p.createdBy,
  };
}

/**
 * GET /helix/prices: the stored overrides; with `?model=<name>` (a public model name, alias or
 * provider/model) also the price that applies now to each deployment serving it, and its source.
 */
export async function listPricesResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const url = new URL(request.url);
  const overrides = (await listStoredPrices(await getDb())).map(present);
  const model = url.searchParams.get("model");
  if (!model) return { object: "list", data: overrides };
  const config = getConfig();
  const at = new Date(nowMs());
  const chain = resolveModel(model, config).chain;
  const effective = chain.map((t) => {
    const q = quotePrice(t.provider, t.upstreamModel, at, config);
    return { provider: t.provider, model: t.upstreamModel, source: q?.source ?? null, price: q?.price ?? null };
  });
  return { object: "list", data: overrides.filter((o) => chain.some((t) => t.upstreamModel === o.model)), effective };
}

/** POST /helix/prices: adds a dated override (201). */
export async function addPriceResponse(request: Request) {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, AddPriceSchema, getConfig().helix_settings.general.max_body_bytes);
  const { model, provider, effective_from, ...price } = body;
  const effectiveFrom = effective_from ? new Date(effective_from) : new Date(nowMs());
  if (Number.isNaN(effectiveFrom.getTime())) throw new InvalidRequestError("effective_from is not a valid date.", { param: "effective_from" });
  const stored = await addStoredPrice(await getDb(), { provider: provider ?? null, model, price, effectiveFrom, createdBy: caller.by });
  await refreshStoredPrices();
  logger().info({ model, provider, effectiveFrom, by: caller.by }, "price override added");
  return Response.json(present(stored), { status: 201 });
}

/** DELETE /helix/prices/{id}: removes an override (requests already recorded keep their cost). */
export async function deletePriceResponse(request: Request, id: string) {
  const caller = await requireAdmin(request);
  if (!(await deleteStoredPrice(await getDb(), id))) throw new NotFoundError(`No price override with id '${id}'.`, { param: "id" });
  await refreshStoredPrices();
  logger().info({ id, by: caller.by }, "price override deleted");
  return { object: "model.price.deleted", id, deleted: true };
}

