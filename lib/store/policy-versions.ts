// The dashboard's policy document, append-only: every save is a new row with the next version,
// and the latest is in force. The unique version column is the optimistic lock: two saves from
// the same base version cannot both land, on any number of instances.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { PolicySettings } from "@/lib/policies/overlay";
import { getDb } from "./db";

export interface PolicyVersionRecord {
  version: number;
  settings: PolicySettings;
  createdBy: string;
  createdAt: Date;
  comment: string | null;
}

/** The save lost a race (or started from an old version): `current` is the version in force. */
export class PolicyVersionConflict extends Error {
  constructor(readonly current: number) {
    super(`policy version ${current} is current`);
    this.name = "PolicyVersionConflict";
  }
}

/**
 * By name, not instanceof: Next.js may load this module twice in one process (the start-up
 * bundle and a route's), and the store singleton may come from the other copy.
 */
export function isPolicyVersionConflict(err: unknown): err is PolicyVersionConflict {
  return err instanceof Error && err.name === "PolicyVersionConflict" && typeof (err as { current?: unknown }).current === "number";
}

type Row = { version: number; settings: unknown; createdBy: string; createdAt: Date; comment: string | null };

function toRecord(r: Row): PolicyVersionRecord {
  return { version: r.version, settings: (r.settings ?? {}) as PolicySettings, createdBy: r.createdBy, createdAt: r.createdAt, comment: r.comment };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === "P2002" || /unique constraint/i.test(String((err as Error)?.message));
}

export class PolicyVersionStore {
  constructor(private readonly db: () => Promise<PrismaClient>) {}

  /** The version in force, 0 when none was ever saved. One index lookup (instances poll it). */
  async currentVersion(): Promise<number> {
    const db = await this.db();
    const row = await db.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
    return row?.version ?? 0;
  }

  async latest(): Promise<PolicyVersionRecord | null> {
    const db = await this.db();
    const row = await db.policyVersion.findFirst({ orderBy: { version: "desc" } });
    return row ? toRecord(row) : null;
  }

  async get(version: number): Promise<PolicyVersionRecord | null> {
    const db = await this.db();
    const row = await db.policyVersion.findUnique({ where: { version } });
    return row ? toRecord(row) : null;
  }

  /** The newest `limit` versions, newest first. */
  async history(limit = 50): Promise<PolicyVersionRecord[]> {
    const db = await this.db();
    const rows = await db.policyVersion.findMany({ orderBy: { version: "desc" }, take: limit });
    return rows.map(toRecord);
  }

  /**
   * Saves `settings` as version baseVersion + 1. Throws PolicyVersionConflict when baseVersion is
   * not the current version (someone saved in between), here or in a concurrent save.
   */
  async append(input: { baseVersion: number; settings: PolicySettings; createdBy: string; comment?: string }): Promise<PolicyVersionRecord> {
    const current = await this.currentVersion();
    if (input.baseVersion !== current) throw new PolicyVersionConflict(current);
    const db = await this.db();
    try {
      const row = await db.policyVersion.create({
        data: { version: current + 1, settings: input.settings as object, createdBy: input.createdBy, comment: input.comment ?? null },
      });
      return toRecord(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new PolicyVersionConflict(await this.currentVersion());
      throw err;
    }
  }
}

const g = globalThis as unknown as { __helixPolicyVersions?: PolicyVersionStore };

export function policyVersionStore(): PolicyVersionStore {
  return (g.__helixPolicyVersions ??= new PolicyVersionStore(getDb));
}
