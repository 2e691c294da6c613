// Managing dashboard users (rename, role, password, delete) and the last-admin guard, on PGlite
// and on PostgreSQL: two admins demoting each other at once must leave one admin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { type DbHandle } from "./db";
import { DashboardUserStore, LastAdminError } from "./dashboard-users";
import { TEST_DATABASES } from "./test-support";

const backends = TEST_DATABASES;

describe.each(backends)("dashboard user management on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  let users: DashboardUserStore;

  beforeAll(async () => {
    ({ h, cleanup } = await open());
    users = new DashboardUserStore(async () => h.prisma);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it("changes name, role and password; unknown ids give null/false", async () => {
    const u = await users.create({ email: "edit@example.com", name: "Old", password: "first-password", role: "viewer" });
    const updated = await users.update(u.id, { name: "  New Name ", role: "admin" });
    expect(updated).toMatchObject({ id: u.id, name: "New Name", role: "admin" });
    expect((await users.findById(u.id))?.role).toBe("admin");

    await users.update(u.id, { password: "second-password" });
    const hash = (await users.findByEmail("edit@example.com"))!.passwordHash!;
    expect(await verifyPassword("second-password", hash)).toBe(true);
    expect(await verifyPassword("first-password", hash)).toBe(false);
    expect((await users.update(u.id, { name: "" }))?.name).toBeNull();

    expect(await users.update("no-such-user", { role: "viewer" })).toBeNull();
    expect(await users.delete("no-such-user")).toBe(false);
  });

  it("refuses to demote or delete the last admin, allows it while another admin remains", async () => {
    const list = await users.list();
    const admins = list.filter((x) => x.role === "admin");
    expect(admins).toHaveLength(1);
    const only = admins[0];
    await expect(users.update(only.id, { role: "viewer" })).rejects.toBeInstanceOf(LastAdminError);
    await expect(users.delete(only.id)).rejects.toBeInstanceOf(LastAdminError);
    expect((await users.findById(only.id))?.role).toBe("admin");

    const second = await users.create({ email: "second-admin@example.com", password: "second-admin-pw", role: "admin" });
    expect((await users.update(only.id, { role: "viewer" }))?.role).toBe("viewer");
    await expect(users.delete(second.id)).rejects.toBeInstanceOf(LastAdminError);
    expect((await users.update(only.id, { role: "admin" }))?.role).toBe("admin");
    expect(await users.delete(second.id)).toBe(true);
    expect(await users.findById(second.id)).toBeNull();
  });

  it("two admins demoting each other at once leave exactly one admin", async () => {
    const b = await users.create({ email: "race-admin@example.com", password: "race-admin-pw", role: "admin" });
    const a = (await users.list()).find((x) => x.role === "admin" && x.id !== b.id)!;
    const results = await Promise.allSettled([users.update(a.id, { role: "viewer" }), users.update(b.id, { role: "viewer" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(LastAdminError.is(rejected.reason)).toBe(true);
    expect((await users.list()).filter((x) => x.role === "admin")).toHaveLength(1);
  });
});
