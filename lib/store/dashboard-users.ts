// People who sign in to the dashboard (not API keys). Emails are stored lower-cased; passwords
// only as scrypt hashes (lib/auth/password.ts). The first admin is created under an advisory lock
// so two instances starting at once (or two browsers on /setup) cannot both create one.
import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashPassword } from "@/lib/auth/password";
import { getDb } from "./db";

export const DASHBOARD_ROLES = ["admin", "viewer"] as const;
export type DashboardRole = (typeof DASHBOARD_ROLES)[number];

export interface DashboardUser {
  id: string;
  email: string;
  name: string | null;
  role: DashboardRole;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
  /** Moves on when the password changes; sessions issued under an older epoch are over. */
  sessionEpoch: number;
}

/** A user with the stored hash, for the sign-in check only (never serialised). */
export interface DashboardUserWithHash extends DashboardUser {
  passwordHash: string | null;
}

export interface NewDashboardUser {
  email: string;
  name?: string | null;
  /** Omitted for accounts that sign in only through OpenID Connect. */
  password?: string;
  role: DashboardRole;
}

export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`A dashboard user with the email ${email} already exists`);
    this.name = "DuplicateEmailError";
  }

  /** By name, not instanceof: Next.js may bundle this module into more than one chunk. */
  static is(err: unknown): err is DuplicateEmailError {
    return err instanceof Error && err.name === "DuplicateEmailError";
  }
}

/** Someone else created the first user while this request was checking. */
export class SetupAlreadyDoneError extends Error {
  constructor() {
    super("The dashboard already has an admin");
  }
}

/** A change that would leave the dashboard without any admin (demote or delete the last one). */
export class LastAdminError extends Error {
  constructor() {
    super("This is the last admin: make another user an admin first.");
    this.name = "LastAdminError";
  }

  static is(err: unknown): err is LastAdminError {
    return err instanceof Error && err.name === "LastAdminError";
  }
}

export interface DashboardUserPatch {
  name?: string | null;
  role?: DashboardRole;
  /** A new password (stored as a hash). */
  password?: string;
}

// pg_advisory_xact_lock key for "create the first admin" (any fixed 64-bit number).
const FIRST_ADMIN_LOCK = 7_243_019_552_104n;
// Taken by demotions and deletions: two admins demoting each other at once must not both succeed.
const ADMIN_SET_LOCK = 7_243_019_552_105n;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

type Row = { id: string; email: string; name: string | null; role: string; createdAt: Date; updatedAt: Date; lastLoginAt: Date | null; passwordHash: string | null; sessionEpoch: number };

function toUser(row: Row): DashboardUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role === "admin" ? "admin" : "viewer",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastLoginAt: row.lastLoginAt,
    sessionEpoch: row.sessionEpoch,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

export class DashboardUserStore {
  constructor(private readonly db: () => Promise<PrismaClient>) {}

  async count(): Promise<number> {
    return (await this.db()).dashboardUser.count();
  }

  async create(input: NewDashboardUser): Promise<DashboardUser> {
    const email = normalizeEmail(input.email);
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    try {
      const row = await (await this.db()).dashboardUser.create({
        data: { email, name: input.name?.trim() || null, role: input.role, passwordHash },
      });
      return toUser(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateEmailError(email);
      throw err;
    }
  }

  /** Creates the first admin only while there is no user at all; null when one already exists. */
  async createFirstAdmin(input: Omit<NewDashboardUser, "role"> & { password: string }): Promise<DashboardUser | null> {
    const email = normalizeEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    const db = await this.db();
    const row = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
      if ((await tx.dashboardUser.count()) > 0) return null;
      return tx.dashboardUser.create({ data: { email, name: input.name?.trim() || null, role: "admin", passwordHash } });
    });
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<DashboardUserWithHash | null> {
    const row = await (await this.db()).dashboardUser.findUnique({ where: { email: normalizeEmail(email) } });
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
  }

  async findById(id: string): Promise<DashboardUser | null> {
    const row = await (await this.db()).dashboardUser.findUnique({ where: { id } });
    return row ? toUser(row) : null;
  }

  async list(): Promise<DashboardUser[]> {
    const rows = await (await this.db()).dashboardUser.findMany({ orderBy: { createdAt: "asc" } });
    return rows.map(toUser);
  }

  /** Name, role and/or password; null for an unknown id. Refuses to demote the last admin. */
  async update(id: string, patch: DashboardUserPatch): Promise<DashboardUser | null> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    const db = await this.db();
    const row = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
      const current = await tx.dashboardUser.findUnique({ where: { id } });
      if (!current) return null;
      if (patch.role === "viewer" && current.role === "admin" && (await tx.dashboardUser.count({ where: { role: "admin" } })) <= 1) {
        throw new LastAdminError();
      }
      return tx.dashboardUser.update({
        where: { id },
        data: {
          ...(patch.name !== undefined ? { name: patch.name?.trim() || null } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          // A new password ends the user's sessions everywhere (a reset after a leak must lock the leak out).
          ...(passwordHash !== undefined ? { passwordHash, sessionEpoch: { increment: 1 } } : {}),
        },
      });
    });
    return row ? toUser(row) : null;
  }

  /** Deletes a user; false for an unknown id. Refuses to delete the last admin. */
  async delete(id: string): Promise<boolean> {
    const db = await this.db();
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
      const current = await tx.dashboardUser.findUnique({ where: { id } });
      if (!current) return false;
      if (current.role === "admin" && (await tx.dashboardUser.count({ where: { role: "admin" } })) <= 1) throw new LastAdminError();
      await tx.dashboardUser.delete({ where: { id } });
      return true;
    });
  }

  async recordLogin(id: string, at = new Date()): Promise<void> {
    await (await this.db()).dashboardUser.update({ where: { id }, data: { lastLoginAt: at } });
  }

  /** Replaces the stored hash (e.g. re-hash with stronger parameters at sign-in). */
  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await (await this.db()).dashboardUser.update({ where: { id }, data: { passwordHash } });
  }
}

const GLOBAL_KEY = Symbol.for("helix.store.dashboardUsers");
/** The process-wide store on the shared database. */
export function dashboardUsers(): DashboardUserStore {
  const g = globalThis as unknown as Record<symbol, DashboardUserStore | undefined>;
  return (g[GLOBAL_KEY] ??= new DashboardUserStore(getDb));
}
