// Creating, renaming and deleting teams and API users on PGlite and PostgreSQL: names unique per
// org (org-less teams included), deletes refused while active keys belong, detaches otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore } from "./api-keys";
import { createApiUser, deleteApiUser, getApiUser, updateApiUser } from "./api-users";
import { type DbHandle } from "./db";
import { MemoryKv } from "./kv-memory";
import { TeamStore } from "./teams";
import { TEST_DATABASES } from "./test-support";

describe.each(TEST_DATABASES)("teams and API users on $name", ({ open }) => {
  let h: DbHandle;
  let cleanup: () => Promise<void>;
  const kv = new MemoryKv({ sweepIntervalMs: 0 });
  let teams: TeamStore;
  let keys: ApiKeyStore;
  beforeAll(async () => {
    ({ h, cleanup } = await open());
    teams = new TeamStore({ db: async () => h.prisma, kv: () => kv });
    keys = new ApiKeyStore({ db: async () => h.prisma, kv: () => kv });
  });
  afterAll(async () => {
    await cleanup?.();
    await kv.close();
  });

  it("team names are unique within an org and among org-less teams; concurrent creates make one team", async () => {
    const a = await teams.create({ name: "Core", org: "Acme" });
    expect("team" in a && a.team).toMatchObject({ name: "Core", org: "Acme", keyCount: 0 });
    expect(await teams.create({ name: "Core", org: "Acme" })).toMatchObject({ conflict: "name_taken", org: "Acme", existingId: "team" in a ? a.team.id : "" });
    expect("team" in (await teams.create({ name: "Core" }))).toBe(true);
    expect(await teams.create({ name: "Core" })).toMatchObject({ conflict: "name_taken", org: null });
    const race = await Promise.all([teams.create({ name: "Racy", org: "Acme" }), teams.create({ name: "Racy", org: "Acme" })]);
    expect(race.filter((r) => "team" in r)).toHaveLength(1);
    expect(race.filter((r) => "conflict" in r)).toHaveLength(1);
  });

  it("renames within the org; a taken name is refused", async () => {
    const t = await teams.create({ name: "Old", org: "Acme" });
    if (!("team" in t)) throw new Error("not created");
    expect(await teams.rename(t.team.id, "Core")).toMatchObject({ conflict: "name_taken" });
    expect(await teams.rename(t.team.id, "New")).toMatchObject({ team: { id: t.team.id, name: "New", org: "Acme" } });
    expect(await teams.rename("missing", "x")).toBeNull();
  });

  it("deletes a team only without active keys, detaching users and revoked keys", async () => {
    const t = await teams.create({ name: "Temp" });
    if (!("team" in t)) throw new Error("not created");
    const k = await keys.create({ name: "k", team: "Temp", user: "temp-user" });
    expect(await teams.remove(t.team.id)).toEqual({ conflict: "has_keys", name: "Temp", activeKeys: 1 });
    await keys.revoke(k.id);
    expect(await teams.remove(t.team.id)).toEqual({ id: t.team.id, name: "Temp", detachedUsers: 1, detachedRevokedKeys: 1 });
    expect(await teams.get(t.team.id)).toBeNull();
    expect(await teams.remove(t.team.id)).toBeNull();
  });

  it("API users: unique external ids, team links bring the org, deletes refused while keys are active", async () => {
    const t = await teams.create({ name: "Users", org: "Initech" });
    if (!("team" in t)) throw new Error("not created");
    const u = await createApiUser(h.prisma, { externalId: "peter", teamId: t.team.id });
    if (!("user" in u)) throw new Error("not created");
    expect(u.user).toMatchObject({ externalId: "peter", team: "Users", org: "Initech" });
    expect(await createApiUser(h.prisma, { externalId: "peter" })).toMatchObject({ refused: "external_id_taken", existingId: u.user.id });
    expect(await createApiUser(h.prisma, { externalId: "x", teamId: "nope" })).toEqual({ refused: "unknown_team", teamId: "nope" });
    expect(await updateApiUser(h.prisma, u.user.id, { email: "p@initech.example", teamId: null })).toMatchObject({ user: { email: "p@initech.example", teamId: null, org: "Initech" } });
    expect(await updateApiUser(h.prisma, "missing", { name: "x" })).toBeNull();
    const k = await keys.create({ name: "pk", user: "peter" });
    expect(await deleteApiUser(h.prisma, u.user.id)).toEqual({ refused: "has_keys", externalId: "peter", activeKeys: 1 });
    await keys.revoke(k.id);
    expect(await deleteApiUser(h.prisma, u.user.id)).toEqual({ id: u.user.id, externalId: "peter", detachedRevokedKeys: 1 });
    expect(await getApiUser(h.prisma, u.user.id)).toBeNull();
  });
});
