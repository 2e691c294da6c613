// PII figures for /helix/stats: detections (the sum of incident counts) by entity type and by
// action, over the last 24 hours and in total. Two grouped queries on pii_incidents: the window
// one ranges over its created_at index, the total one is answered from the (entity_type, action,
// count) index. request_logs is never read.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface Counts {
  last_24h: number;
  total: number;
}

export interface PiiStats {
  detections: Counts;
  by_entity_type: Record<string, Counts>;
  by_action: Record<string, Counts>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

type Db = Pick<PrismaClient, "piiIncident">;

export async function piiStats(db: Db, now = Date.now()): Promise<PiiStats> {
  const by = ["entityType", "action"] as const;
  const [total, recent] = await Promise.all([
    db.piiIncident.groupBy({ by: [...by], _sum: { count: true } }),
    db.piiIncident.groupBy({ by: [...by], _sum: { count: true }, where: { createdAt: { gte: new Date(now - DAY_MS) } } }),
  ]);
  const out: PiiStats = { detections: { last_24h: 0, total: 0 }, by_entity_type: {}, by_action: {} };
  const add = (rows: typeof total, field: keyof Counts) => {
    for (const r of rows) {
      const n = r._sum.count ?? 0;
      out.detections[field] += n;
      (out.by_entity_type[r.entityType] ??= { last_24h: 0, total: 0 })[field] += n;
      (out.by_action[r.action] ??= { last_24h: 0, total: 0 })[field] += n;
    }
  };
  add(total, "total");
  add(recent, "last_24h");
  return out;
}
