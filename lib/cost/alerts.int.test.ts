// Budget alerts end to end on a real database (PostgreSQL with two instances, and embedded PGlite)
// and a real HTTP receiver: once per threshold per period, JSON and Slack bodies, retries that end
// in delivery, permanent failures visible in the admin list, and the budget_alerts switch.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAlertsResponse, testAlertsResponse } from "@/lib/admin/alerts";
import { resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { openDb, type DbHandle } from "@/lib/store/db";
import { BudgetAlertStore } from "@/lib/store/budget-alerts";
import { createTestDatabase, REPO_MIGRATIONS_DIR, tempDir } from "@/lib/store/test-support";
import { AlertNotifier, type AlertSettings, type Webhook } from "./alerts";
import type { BudgetSettlement } from "./budget-types";

const USD = 1_000_000;

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** A local webhook receiver: /ok answers 200, /flaky 503 twice then 200, /dead always 500. */
async function startReceiver() {
  const received: Received[] = [];
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const p = (req.url ?? "/").split("?")[0];
      const n = (hits.get(p) ?? 0) + 1;
      hits.set(p, n);
      const status = p.endsWith("/dead") ? 500 : p.endsWith("/flaky") && n <= 2 ? 503 : 200;
      if (status === 200) received.push({ path: p, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "receiver unavailable");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    hits: (p: string) => hits.get(p) ?? 0,
    at: (p: string) => received.filter((r) => r.path === p),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const periodStart = new Date("2026-11-01T00:00:00Z");
const resetAt = new Date("2026-12-01T00:00:00Z");

const settlement = (scopeId: string, before: number, after: number): BudgetSettlement => ({
  scope: "team",
  scopeId,
  limitMicros: 10 * USD,
  spentBeforeMicros: before,
  spentMicros: after,
  reservedMicros: 0,
  periodStart,
  resetAt,
  soft: false,
  alertThresholds: [50, 80, 100],
});

const webhook = (p: string, over: Partial<Webhook> = {}): Webhook => ({ url: `${receiver.base}${p}`, format: "json", headers: {}, ...over });
const settings = (webhooks: Webhook[], enabled = true): AlertSettings => ({ budget_alerts: enabled, alert_thresholds: [50, 80, 100], alert_webhooks: webhooks });
/** Real HTTP, no real waiting between retries. */
const notifier = (store: BudgetAlertStore, instance: string) =>
  new AlertNotifier({ store, instance, sleep: async () => {}, retry: { attempts: 5, timeoutMs: 5_000 } });

async function drain(...ns: AlertNotifier[]) {
  for (const n of ns) expect((await n.flush(20_000)).completed).toBe(true);
}

const admin = (query: string) => new Request(`http://helix.test/helix/alerts${query}`, { headers: { authorization: "Bearer local-admin" } });

function suite(name: string, open: () => Promise<{ a: DbHandle; b: DbHandle; close: () => Promise<void> }>) {
  describe(`budget alerts on ${name}`, () => {
    let a: DbHandle;
    let b: DbHandle;
    let close: () => Promise<void>;
    let storeA: BudgetAlertStore;
    let storeB: BudgetAlertStore;
    const tag = name.toLowerCase();

    beforeAll(async () => {
      ({ a, b, close } = await open());
      storeA = new BudgetAlertStore({ db: async () => a.prisma });
      storeB = new BudgetAlertStore({ db: async () => b.prisma });
    });
    afterAll(async () => {
      await close?.();
    });

    it("fires once at each threshold (50, 80, 100) as spend grows; JSON and Slack receivers each get exactly 3; a second instance replaying adds nothing", async () => {
      const hooks = [
        webhook(`/${tag}/json`, { headers: { authorization: "Bearer receiver-secret" } }),
        webhook(`/${tag}/slack`, { format: "slack" }),
      ];
      const nA = notifier(storeA, "gw-a");
      const nB = notifier(storeB, "gw-b");
      const steps = [settlement("tm_1", 0, 4 * USD), settlement("tm_1", 4 * USD, 5.5 * USD), settlement("tm_1", 5.5 * USD, 8.02 * USD), settlement("tm_1", 8.02 * USD, 10.2 * USD)];
      for (const s of steps) {
        nA.record([s], settings(hooks));
        await drain(nA);
      }
      const json = receiver.at(`/${tag}/json`);
      const slack = receiver.at(`/${tag}/slack`);
      expect(json.map((r) => (r.body as { threshold: number }).threshold)).toEqual([50, 80, 100]);
      expect(json[1].headers.authorization).toBe("Bearer receiver-secret");
      expect(json[1].body).toMatchObject({
        event: "budget.threshold_crossed",
        scope: "team",
        scope_id: "tm_1",
        threshold: 80,
        spend_usd: 8.02,
        limit_usd: 10,
        percent: 80.2,
        period: "monthly",
        period_start: "2026-11-01T00:00:00.000Z",
        reset_at: "2026-12-01T00:00:00.000Z",
        soft: false,
        gateway_instance: "gw-a",
      });
      expect(slack.map((r) => (r.body as { text: string }).text)).toEqual([
        ":warning: Helix budget alert — team 'tm_1' reached 50% of its $10.00 monthly budget ($5.50 spent; resets 2026-12-01 00:00 UTC)",
        ":warning: Helix budget alert — team 'tm_1' reached 80% of its $10.00 monthly budget ($8.02 spent; resets 2026-12-01 00:00 UTC)",
        ":rotating_light: Helix budget alert — team 'tm_1' reached 100% of its $10.00 monthly budget ($10.20 spent; resets 2026-12-01 00:00 UTC). Requests are refused until it resets.",
      ]);

      // The other instance sees the same crossings (replayed, and all at once): nothing more is sent.
      for (const s of steps) nB.record([s], settings(hooks));
      nB.record([settlement("tm_1", 0, 12 * USD)], settings(hooks));
      await drain(nB);
      expect(receiver.at(`/${tag}/json`)).toHaveLength(3);
      expect(receiver.at(`/${tag}/slack`)).toHaveLength(3);
      const rows = await b.prisma.budgetAlert.findMany({ where: { scopeId: "tm_1" }, orderBy: { threshold: "asc" } });
      expect(rows.map((r) => [r.threshold, r.deliveryStatus, r.deliveryAttempts, Number(r.spendMicros)])).toEqual([
        [50, "delivered", 2, 5.5 * USD],
        [80, "delivered", 2, 8.02 * USD],
        [100, "delivered", 2, 10.2 * USD],
      ]);
      expect(rows.every((r) => r.deliveredAt !== null && r.lastError === null)).toBe(true);

      // A new period alerts again.
      const next = { ...settlement("tm_1", 0, 6 * USD), periodStart: resetAt, resetAt: new Date("2027-01-01T00:00:00Z") };
      nB.record([next], settings(hooks));
      await drain(nB);
      expect(receiver.at(`/${tag}/json`).map((r) => (r.body as { period_start: string }).period_start)).toContain("2026-12-01T00:00:00.000Z");
    });

    it("two instances seeing one crossing at the same moment deliver it once", async () => {
      const hooks = [webhook(`/${tag}/race`)];
      const nA = notifier(storeA, "gw-a");
      const nB = notifier(storeB, "gw-b");
      for (let i = 0; i < 5; i++) {
        nA.record([settlement("tm_race", 4 * USD, 9 * USD)], settings(hooks));
        nB.record([settlement("tm_race", 4.5 * USD, 8.5 * USD)], settings(hooks));
      }
      await drain(nA, nB);
      expect(receiver.at(`/${tag}/race`).map((r) => (r.body as { threshold: number }).threshold).sort()).toEqual([50, 80]);
    });

    it("a receiver failing twice with 503 gets it on the 3rd attempt: delivered, attempts = 3", async () => {
      const n = notifier(storeA, "gw-a");
      n.record([settlement("tm_flaky", 0, 5 * USD)], settings([webhook(`/${tag}/flaky`)]));
      await drain(n);
      expect(receiver.hits(`/${tag}/flaky`)).toBe(3);
      expect(receiver.at(`/${tag}/flaky`)).toHaveLength(1);
      const row = await a.prisma.budgetAlert.findFirstOrThrow({ where: { scopeId: "tm_flaky" } });
      expect(row).toMatchObject({ threshold: 50, deliveryStatus: "delivered", deliveryAttempts: 3, lastError: null });
    });

    it("a permanently failing receiver leaves the alert failed, with its error in the admin list (URL masked)", async () => {
      const n = notifier(storeA, "gw-a");
      n.record([settlement("tm_dead", 0, 5 * USD)], settings([webhook(`/${tag}/secret-token/dead`)]));
      await drain(n);
      expect(receiver.hits(`/${tag}/secret-token/dead`)).toBe(5);
      const res = (await listAlertsResponse(admin("?scope=team&scope_id=tm_dead"), storeB)) as { data: Record<string, unknown>[] };
      expect(res.data).toHaveLength(1);
      expect(res.data[0]).toMatchObject({
        object: "budget.alert",
        scope: "team",
        scope_id: "tm_dead",
        threshold: 50,
        spend_usd: 5,
        limit_usd: 10,
        percent: 50,
        period_start: "2026-11-01T00:00:00.000Z",
        soft: false,
        delivery_status: "failed",
        delivery_attempts: 5,
        delivered_at: null,
        last_error: `http://127.0.0.1:${new URL(receiver.base).port}/**** answered HTTP 500: receiver unavailable`,
      });
      expect(String(res.data[0].last_error)).not.toContain("secret-token");
    });

    it("budget_alerts: false records nothing; without webhooks the alert is listed with status none", async () => {
      const n = notifier(storeA, "gw-a");
      n.record([settlement("tm_off", 0, 20 * USD)], settings([webhook(`/${tag}/off`)], false));
      await drain(n);
      expect(await a.prisma.budgetAlert.count({ where: { scopeId: "tm_off" } })).toBe(0);
      expect(receiver.hits(`/${tag}/off`)).toBe(0);

      n.record([settlement("tm_quiet", 0, 5 * USD)], settings([]));
      await drain(n);
      const row = await a.prisma.budgetAlert.findFirstOrThrow({ where: { scopeId: "tm_quiet" } });
      expect(row).toMatchObject({ deliveryStatus: "none", deliveryAttempts: 0 });
    });

    it("the admin list pages newest first by cursor and filters by scope", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await listAlertsResponse(admin(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`), storeA)) as {
          data: { id: string; created_at: string }[];
          has_more: boolean;
          next_cursor: string | null;
        };
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((d) => `${d.created_at}|${d.id}`));
        cursor = page.has_more ? page.next_cursor : null;
      } while (cursor);
      const total = await a.prisma.budgetAlert.count();
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort().reverse()).toEqual(seen);
      const none = (await listAlertsResponse(admin("?scope=org"), storeA)) as { data: unknown[]; next_cursor: string | null };
      expect(none).toMatchObject({ data: [], next_cursor: null });
      await expect(listAlertsResponse(admin("?cursor=garbage"), storeA)).rejects.toMatchObject({ status: 400 });
      await expect(listAlertsResponse(admin("?scope=planet"), storeA)).rejects.toMatchObject({ status: 400 });
      await expect(listAlertsResponse(admin("?limit=1000"), storeA)).rejects.toMatchObject({ status: 400 });
    });
  });
}

describe("POST /helix/alerts/test", () => {
  afterAll(() => resetConfigForTests());
  it("posts a test message to each configured webhook and reports each answer", async () => {
    setConfigForTests({
      helix_settings: {
        cost_optimization: {
          alert_webhooks: [
            { url: `${receiver.base}/check/json`, headers: { "x-receiver-token": "t0k" } },
            { url: `${receiver.base}/check/slack`, format: "slack" },
            { url: `${receiver.base}/check/hidden/dead`, format: "json" },
          ],
        },
      },
    });
    const request = new Request("http://helix.test/helix/alerts/test", { method: "POST", headers: { authorization: "Bearer local-admin" } });
    const out = await testAlertsResponse(request);
    const masked = `http://127.0.0.1:${new URL(receiver.base).port}/****`;
    expect(out).toMatchObject({ object: "budget.alert_test", budget_alerts: true, ok: false });
    expect(out.webhooks).toEqual([
      { url: masked, format: "json", ok: true, status: 200, error: null },
      { url: masked, format: "slack", ok: true, status: 200, error: null },
      { url: masked, format: "json", ok: false, status: 500, error: `${masked} answered HTTP 500: receiver unavailable` },
    ]);
    expect(receiver.hits("/check/hidden/dead")).toBe(1); // no retries for a test
    expect(receiver.at("/check/json")[0]).toMatchObject({ headers: { "x-receiver-token": "t0k" }, body: { event: "budget.test", test: true } });
    expect((receiver.at("/check/slack")[0].body as { text: string }).text).toMatch(/^:white_check_mark: Helix test alert/);

    setConfigForTests({ helix_settings: { cost_optimization: { budget_alerts: false } } });
    expect(await testAlertsResponse(request)).toMatchObject({ ok: false, webhooks: [], message: expect.stringContaining("alert_webhooks") });
  });
});

suite("PostgreSQL", async () => {
  const database = await createTestDatabase();
  const [a, b] = await Promise.all([
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
    openDb({ databaseUrl: database.url, migrationsDir: REPO_MIGRATIONS_DIR }),
  ]);
  return {
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await database.drop();
    },
  };
});

suite("PGlite", async () => {
  const tmp = tempDir();
  const h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  // One embedded database per process: the "second instance" is a second store and notifier on it.
  return {
    a: h,
    b: h,
    close: async () => {
      await h.close();
      tmp.remove();
    },
  };
});
