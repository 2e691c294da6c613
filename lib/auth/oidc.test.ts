// Who an OpenID Connect sign-in admits, on the embedded database.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { DashboardUserStore } from "@/lib/store/dashboard-users";
import { REPO_MIGRATIONS_DIR, tempDir } from "@/lib/store/test-support";
import { admitOidcUser } from "./oidc";

const tmp = tempDir();
let h: DbHandle;
let users: DashboardUserStore;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  users = new DashboardUserStore(async () => h.prisma);
  await users.create({ email: "Boss@Corp.example", password: "boss-password", role: "admin" });
});
afterAll(async () => {
  await h.close();
  tmp.remove();
});

describe("OpenID Connect admission", () => {
  it("admits an existing user by a verified email (any case) with their role", async () => {
    const u = await admitOidcUser({ email: "boss@corp.example", email_verified: true }, users, [], false);
    expect(u).toMatchObject({ email: "boss@corp.example", role: "admin" });
    expect(u).not.toHaveProperty("passwordHash");
    expect(await admitOidcUser({ email: "BOSS@corp.example", email_verified: "true" }, users, [], false)).toMatchObject({ role: "admin" });
    expect(await admitOidcUser({ email: "boss@corp.example", email_verified: false }, users, [], false)).toBeNull();
    expect(await admitOidcUser({ email: "boss@corp.example", email_verified: "false" }, users, [], false)).toBeNull();
  });

  it("refuses an email the provider does not say is verified, unless told to trust such claims", async () => {
    // Anyone who can set their own email at the provider would otherwise become this admin.
    expect(await admitOidcUser({ email: "boss@corp.example" }, users, ["corp.example"], false)).toBeNull();
    expect(await admitOidcUser({ email: "boss@corp.example" }, users, [], true)).toMatchObject({ role: "admin" });
    // An explicit "false" is refused even then.
    expect(await admitOidcUser({ email: "boss@corp.example", email_verified: false }, users, [], true)).toBeNull();
  });

  it("refuses unknown emails unless verified and in an allowed domain, then creates a viewer without a password", async () => {
    expect(await admitOidcUser({ email: "new@corp.example", email_verified: true }, users, [])).toBeNull();
    expect(await admitOidcUser({ email: "new@corp.example" }, users, ["corp.example"], false)).toBeNull();
    expect(await admitOidcUser({ email: "new@other.example", email_verified: true }, users, ["corp.example"])).toBeNull();
    expect(await admitOidcUser({ email: null, email_verified: true }, users, ["corp.example"])).toBeNull();
    const created = await admitOidcUser({ email: "New@Corp.example", email_verified: true, name: "Newbie" }, users, ["corp.example"]);
    expect(created).toMatchObject({ email: "new@corp.example", name: "Newbie", role: "viewer" });
    expect((await users.findByEmail("new@corp.example"))?.passwordHash).toBeNull();
    expect((await admitOidcUser({ email: "new@corp.example", email_verified: true }, users, ["corp.example"]))?.id).toBe(created!.id);
  });
});
