// API users with their team and active key count, on PGlite and PostgreSQL.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "./db";
import { listApiUsers } from "./api-users";
import { createTestDatabase, REPO_MIGRATIONS_DIR, tempDir } from "./test-support";

describe.each([
  {
    name: "PGlite",
    open: async () => {
      const tmp = tempDir();
      return { h: await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR }), cleanup: async () => tmp.remove() };
    },
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const db = await createTestDatabase();
      return { h: await openDb({ databaseUrl: db.url, migrationsDir: REPO_MIGRATIONS_DIR }), cleanup: db.drop };
    },
  },
])("listApiUsers on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ h, cleanup } = await open());
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it("lists users by external id with team, org and active keys only", async () => {
    const org = await h.prisma.organization.create({ data: { name: "Acme" } });
    const team = await h.prisma.team.create({ data: { name: "Research", orgId: org.id } });
    const alice = await h.prisma.user.create({ data: { externalId: "alice", email: "alice@example.com", teamId: team.id, orgId: org.id } });
    await h.prisma.user.create({ data: { externalId: "bob" } });
    const key = (n: number, revoked: boolean) => ({ name: `k${n}`, keyHash: `hash-${n}`, keyPrefix: "sk-helix-abc", userId: alice.id, revokedAt: revoked ? new Date() : null });
    await h.prisma.apiKey.createMany({ data: [key(1, false), key(2, false), key(3, true)] });
    const users = await listApiUsers(h.prisma);
    expect(users.map((u) => u.externalId)).toEqual(["alice", "bob"]);
    expect(users[0]).toMatchObject({ email: "alice@example.com", team: "Research", teamId: team.id, org: "Acme", keyCount: 2 });
    expect(users[1]).toMatchObject({ team: null, org: null, keyCount: 0 });
  });
});
