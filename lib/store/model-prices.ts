// Price overrides kept in the database (admin API), with the date each takes effect.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ModelPrice } from "@/lib/cost/cost-schema";

export interface StoredPrice {
  id: string;
  provider: string | null;
  model: string;
  price: ModelPrice;
  effectiveFrom: Date;
  createdAt: Date;
  createdBy: string;
}

type Row = Awaited<ReturnType<PrismaClient["modelPriceOverride"]["findMany"]>>[number];

function toStored(r: Row): StoredPrice {
  return {
    id: r.id,
    provider: r.provider,
    model: r.model,
    price: {
      input_per_mtok: r.inputPerMtok,
      output_per_mtok: r.outputPerMtok,
      cached_input_per_mtok: r.cachedInputPerMtok ?? undefined,
      cache_write_per_mtok: r.cacheWritePerMtok ?? undefined,
      reasoning_per_mtok: r.reasoningPerMtok ?? undefined,
      per_request_usd: r.perRequestUsd,
    },
    effectiveFrom: r.effectiveFrom,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
  };
}

export async function listStoredPrices(db: PrismaClient): Promise<StoredPrice[]> {
  const rows = await db.modelPriceOverride.findMany({ orderBy: [{ model: "asc" }, { effectiveFrom: "asc" }] });
  return rows.map(toStored);
}

export async function addStoredPrice(
  db: PrismaClient,
  p: { provider: string | null; model: string; price: ModelPrice; effectiveFrom: Date; createdBy: string },
): Promise<StoredPrice> {
  const row = await db.modelPriceOverride.create({
    data: {
      provider: p.provider,
      model: p.model,
      inputPerMtok: p.price.input_per_mtok,
      outputPerMtok: p.price.output_per_mtok,
      cachedInputPerMtok: p.price.cached_input_per_mtok ?? null,
      cacheWritePerMtok: p.price.cache_write_per_mtok ?? null,
      reasoningPerMtok: p.price.reasoning_per_mtok ?? null,
      perRequestUsd: p.price.per_request_usd,
      effectiveFrom: p.effectiveFrom,
      createdBy: p.createdBy,
    },
  });
  return toStored(row);
}

export async function deleteStoredPrice(db: PrismaClient, id: string): Promise<boolean> {
  const { count } = await db.modelPriceOverride.deleteMany({ where: { id } });
  return count > 0;
}
