// API users with their team and active key count, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle } from "./db";
import { listApiUsers } from "./api-users";
import { TEST_DATABASES } from "./test-support";

describe.each(TEST_DATABASES)("listApiUsers on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ h, cleanup } = await open());
  });
  afterAll(async () => {
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
