// GET /api/dashboard/health on embedded PGlite with a real session cookie: the vector store is
// probed live (a store whose ping fails or hangs shows as an error, not as the kind it was given
// at start-up), and the embedder reports its latest calls (success latency, failure message).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { encode } from "next-auth/jwt";
import { dashboardAuthSecret } from "@/lib/auth/auth-secret";
import { SESSION_COOKIE } from "@/lib/auth/session-token";
import { resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import { closeDb } from "@/lib/store/db";
import { dashboardUsers, type DashboardUser } from "@/lib/store/dashboard-users";
import { tempDir } from "@/lib/store/test-support";
import { embedderCallStats, timedEmbedder } from "@/lib/cache/embedders/timed";
import type { Embedder } from "@/lib/cache/embedders/types";

/** The store the next health call sees: its ping answers, fails, or never answers. */
const store = vi.hoisted(() => ({ ping: async (): Promise<void> => {} }));
vi.mock("@/lib/cache/vector-stores/select", () => ({
  getVectorStore: async () => ({ kind: "redis", ping: () => store.ping() }),
  vectorStoreStatus: () => ({ kind: "redis", reason: "Redis Stack: RediSearch 2.8", shared: true }),
}));

const { GET: healthRoute } = await import("@/app/api/dashboard/health/route");

const tmp = tempDir();
const saved = { ...process.env };
let admin: DashboardUser;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.NEXTAUTH_SECRET = "dashboard-health-test-secret-0123456789abcdef";
  resetEnvForTests();
  admin = await dashboardUsers().create({ email: "health@example.com", password: "health-password", role: "admin" });
});
afterAll(async () => {
  resetConfigForTests();
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});
beforeEach(() => {
  setConfigForTests({ helix_settings: { semantic_cache: { enabled: true } } });
});

async function health(): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  // As the sign-in issues it: a session id and the user's session epoch.
  const token = await encode({ token: { sub: admin.id, email: admin.email, role: admin.role, sid: randomUUID(), authAt: Math.floor(Date.now() / 1000), epoch: admin.sessionEpoch }, secret: dashboardAuthSecret() });
  const res = await healthRoute(new Request("http://helix.test/api/dashboard/health", { headers: { host: "helix.test", cookie: `${SESSION_COOKIE}=${token}` } }), undefined as never);
  expect(res.status).toBe(200);
  return res.json();
}

describe("dashboard health: vector store", () => {
  it("is ok with a ping time while the store answers", async () => {
    store.ping = async () => {};
    const h = await health();
    expect(h.vector_store).toMatchObject({ kind: "redis", status: "ok", shared: true });
    expect(h.vector_store.ping_ms).toBeGreaterThanOrEqual(0);
    expect(h.embedder).toMatchObject({ calls: expect.any(Number), errors: expect.any(Number), last_error: null });
  });

  it("says so when the store's ping fails, instead of the kind it was given at start-up", async () => {
    store.ping = async () => {
      throw new Error("Connection is closed.");
    };
    const h = await health();
    expect(h.vector_store).toMatchObject({ kind: "redis", status: "error", error: "Connection is closed." });
    // The rest of the page still answers.
    expect(h.database.status).toBe("ok");
  });

  it("says so when the store does not answer within the deadline", async () => {
    store.ping = () => new Promise<void>(() => {});
    const started = Date.now();
    const h = await health();
    expect(h.vector_store).toMatchObject({ status: "error", error: expect.stringMatching(/no answer within/) });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("is not probed while the semantic cache is off", async () => {
    setConfigForTests({ helix_settings: { semantic_cache: { enabled: false } } });
    store.ping = async () => {
      throw new Error("must not be called");
    };
    expect((await health()).vector_store.status).toBe("not_configured");
  });
});

describe("embedder call record", () => {
  it("keeps the latest success's latency and the latest failure's message per model", async () => {
    let fail = false;
    const inner: Embedder = {
      id: "health-test-model",
      dimensions: 3,
      maxInputTokens: 128,
      embed: async (texts: string[]) => {
        if (fail) throw new Error("worker exited");
        return texts.map(() => new Float32Array([1, 0, 0]));
      },
      close: async () => {},
    } as unknown as Embedder;
    const e = timedEmbedder(inner);
    expect(embedderCallStats("health-test-model")).toMatchObject({ calls: 0, errors: 0, lastOkAt: null, lastError: null });
    await e.embed(["a"]);
    const ok = embedderCallStats("health-test-model");
    expect(ok).toMatchObject({ calls: 1, errors: 0, lastError: null });
    expect(ok.lastLatencyMs).toBeGreaterThanOrEqual(0);
    fail = true;
    await expect(e.embed(["b"])).rejects.toThrow("worker exited");
    const failed = embedderCallStats("health-test-model");
    expect(failed).toMatchObject({ calls: 2, errors: 1, lastError: "worker exited", lastLatencyMs: ok.lastLatencyMs });
    expect(failed.lastErrorAt!.getTime()).toBeGreaterThanOrEqual(ok.lastOkAt!.getTime());
  });
});
