// Names for the ids the rollups and budgets hold (keys, users, teams, orgs): one primary-key (or
// unique-index) lookup per kind for just the ids on screen. Deleted rows keep their id as label.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type LabelKind = "global" | "key" | "user" | "team" | "org" | "end_user" | "model" | "provider";

export interface Label {
  /** What to show: the name, or the id itself when there is no row (deleted, or not an id). */
  name: string;
  /** False when the id has no row any more (a deleted key, team, user or org). */
  known: boolean;
}

/** Kinds whose values are names already (models, providers, end users the client named). */
const SELF_NAMED: ReadonlySet<LabelKind> = new Set(["end_user", "model", "provider"]);

/** The label of each id of one kind; every id given is in the map. */
export async function resolveLabels(db: PrismaClient, kind: LabelKind, ids: readonly string[]): Promise<Map<string, Label>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, Label>();
  if (kind === "global") {
    for (const id of unique) out.set(id, { name: "All traffic", known: true });
    return out;
  }
  if (SELF_NAMED.has(kind) || unique.length === 0) {
    for (const id of unique) out.set(id, { name: id, known: true });
    return out;
  }
  const found = new Map<string, string>();
  if (kind === "key") {
    // Registered keys are rolled up by id; unregistered local-mode keys by their hash.
    const rows = await db.apiKey.findMany({ where: { OR: [{ id: { in: unique } }, { keyHash: { in: unique } }] }, select: { id: true, keyHash: true, name: true } });
    for (const r of rows) {
      found.set(r.id, r.name);
      found.set(r.keyHash, r.name);
    }
  } else if (kind === "team") {
    for (const r of await db.team.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } })) found.set(r.id, r.name);
  } else if (kind === "org") {
    for (const r of await db.organization.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } })) found.set(r.id, r.name);
  } else if (kind === "user") {
    const rows = await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, name: true, email: true, externalId: true } });
    for (const r of rows) found.set(r.id, r.name || r.email || r.externalId);
  }
  for (const id of unique) {
    const name = found.get(id);
    out.set(id, name === undefined ? { name: id, known: false } : { name, known: true });
  }
  return out;
}

/** Labels for ids of several kinds at once (a budget list mixes keys, teams, users…). */
export async function resolveMixedLabels(db: PrismaClient, items: ReadonlyArray<{ kind: LabelKind; id: string }>): Promise<(kind: LabelKind, id: string) => Label> {
  const byKind = new Map<LabelKind, string[]>();
  for (const { kind, id } of items) byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
  const maps = new Map(await Promise.all([...byKind].map(async ([kind, ids]) => [kind, await resolveLabels(db, kind, ids)] as const)));
  return (kind, id) => maps.get(kind)?.get(id) ?? { name: id, known: false };
}
