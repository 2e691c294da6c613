// Against the real Redis at TEST_REDIS_URL: a plain Redis 7 without modules must be detected, and
// the selector must then not pick Redis. Also checks the fake answers like the real server here.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { TEST_REDIS_URL } from "@/test/support/services";
import { probeSearchModule } from "./redis-stack";
import { chooseVectorStore } from "./select";
import { FakeRediSearch } from "./testing/fake-redisearch";

describe("plain Redis (no modules) at TEST_REDIS_URL", () => {
  let client: Redis;
  beforeAll(async () => {
    client = new Redis(TEST_REDIS_URL, { lazyConnect: true, protocol: 2, maxRetriesPerRequest: 0 });
    await client.connect();
  });
  afterAll(async () => {
    await client.quit();
  });

  it("is detected as having no search module", async () => {
    expect(await probeSearchModule(client)).toEqual({
      available: false,
      reason: expect.stringMatching(/no search module \(FT\._LIST is an unknown command\)/),
    });
  });

  it("is not selected: auto falls back to pgvector, or to in-process without it", async () => {
    const someDb = async () => ({}) as PrismaClient;
    const withPg = await chooseVectorStore({ setting: "auto", redisUrl: TEST_REDIS_URL, getDb: someDb, hasVector: () => true });
    expect(withPg.status.kind).toBe("pgvector");
    const without = await chooseVectorStore({ setting: "auto", redisUrl: TEST_REDIS_URL, getDb: someDb, hasVector: () => false });
    expect(without.status.kind).toBe("memory");
    expect(without.status.reason).toMatch(/no search module/);
  });

  it("answers FT.* exactly as the fake's module-less mode does", async () => {
    const fake = new FakeRediSearch({ search: false });
    const fakeClient = new Redis(await fake.start(), { lazyConnect: true, protocol: 2, maxRetriesPerRequest: 0 });
    await fakeClient.connect();
    try {
      for (const cmd of [["FT._LIST"], ["FT.INFO", "helix:semantic:index:x"]]) {
        const real = await client.call(cmd[0], ...cmd.slice(1)).catch((e: Error) => e);
        const faked = await fakeClient.call(cmd[0], ...cmd.slice(1)).catch((e: Error) => e);
        expect(real).toBeInstanceOf(Error);
        expect((faked as Error).message).toBe((real as Error).message);
        expect((faked as Error).name).toBe((real as Error).name);
      }
      expect(await fakeClient.call("MODULE", "LIST")).toEqual(await client.call("MODULE", "LIST"));
    } finally {
      fakeClient.disconnect();
      await fake.stop();
    }
  });
});
