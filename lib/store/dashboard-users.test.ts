// Dashboard users on the embedded database (PGlite in a temp dir).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { openDb, type DbHandle } from "./db";
import { DashboardUserStore, DuplicateEmailError } from "./dashboard-users";
import { REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

const tmp = tempDir();
let h: DbHandle;
let users: DashboardUserStore;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  users = new DashboardUserStore(async () => h.prisma);
});
afterAll(async () => {
  await h.close();
  tmp.remove();
});

describe("dashboard users", () => {
  it("creates the first admin once, even when two callers race", async () => {
    expect(await users.count()).toBe(0);
    const [a, b] = await Promise.all([
      users.createFirstAdmin({ email: " Admin@Example.com ", name: "Ada", password: "first-admin-pw" }),
      users.createFirstAdmin({ email: "other@example.com", password: "second-admin-pw" }),
    ]);
    const created = [a, b].filter((u) => u !== null);
    expect(created).toHaveLength(1);
    expect(await users.count()).toBe(1);
    expect(await users.createFirstAdmin({ email: "late@example.com", password: "late-admin-pw" })).toBeNull();
    expect(created[0]!.role).toBe("admin");
  });

  it("stores emails lower-cased and only a scrypt hash of the password", async () => {
    const u = await users.create({ email: "Viewer@Example.com", name: "Vi", password: "viewer-password", role: "viewer" });
    expect(u).toMatchObject({ email: "viewer@example.com", name: "Vi", role: "viewer", lastLoginAt: null });
    expect(u).not.toHaveProperty("passwordHash");
    const found = await users.findByEmail("VIEWER@example.com");
    expect(found?.id).toBe(u.id);
    expect(found?.passwordHash).toMatch(/^\$scrypt\$/);
    expect(found?.passwordHash).not.toContain("viewer-password");
    expect(await verifyPassword("viewer-password", found!.passwordHash!)).toBe(true);
    expect(await users.findByEmail("nobody@example.com")).toBeNull();
  });

  it("refuses a second user with the same email (any case)", async () => {
    await users.create({ email: "dup@example.com", password: "dup-password", role: "viewer" });
    await expect(users.create({ email: "DUP@example.com", password: "dup-password", role: "admin" })).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it("records the last sign-in and lists users oldest first", async () => {
    const u = (await users.findByEmail("viewer@example.com"))!;
    const at = new Date("2026-01-02T03:04:05Z");
    await users.recordLogin(u.id, at);
    expect((await users.findById(u.id))?.lastLoginAt?.toISOString()).toBe(at.toISOString());
    const list = await users.list();
    expect(list[0].role).toBe("admin");
    expect(list.map((x) => x.email)).toContain("viewer@example.com");
    expect(await users.findById("missing")).toBeNull();
  });
});
