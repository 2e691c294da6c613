// The budgets admin API with MASTER_KEY set, on embedded PGlite and the in-process counters: who
// may call it, validation (400 naming the parameter), create/replace/delete, the config's global
// and per-end-user budgets, and the current period's spend as reserve/settle move it.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/helix/budgets/route";
import { GET as getRoute } from "@/app/api/helix/budgets/[scope]/[id]/route";
import { resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { reserveBudgets, settleBudgets } from "@/lib/cost/budgets";
import { setClockForTests } from "@/lib/cost/clock";
import { BudgetExceededError } from "@/lib/errors";
import { resetEnvForTests } from "@/lib/env";
import { closeDb, getDb } from "@/lib/store/db";
import { closeKv } from "@/lib/store/kv";
import { tempDir } from "@/lib/store/test-support";
import { deleteBudgetResponse, getBudgetResponse, listBudgetsResponse, putBudgetResponse } from "./budgets";

const MASTER = "sk-master-budgets-test";
const NOW = Date.parse("2026-11-29T10:00:00.000Z");
const tmp = tempDir();
const saved = { ...process.env };
let teamId: string;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.MASTER_KEY = MASTER;
  resetEnvForTests();
  setClockForTests(NOW);
  setConfigForTests({
    helix_settings: {
      cost_optimization: {
        alert_thresholds: [75, 100],
        global_budget: { max_budget_usd: 100, period: "monthly" },
        end_user_budget: { max_budget_usd: 0.5, period: "daily", timezone: "Europe/Paris" },
      },
    },
  });
  const db = await getDb();
  teamId = (await db.team.create({ data: { name: "research" } })).id;
});
afterAll(async () => {
  setClockForTests(undefined);
  resetConfigForTests();
  await closeKv();
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

const req = (method: string, url: string, body?: unknown, key: string | null = MASTER) =>
  new Request(`http://helix/helix/budgets${url}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const put = async (scope: string, id: string, body: unknown) => (await putBudgetResponse(req("PUT", `/${scope}/${id}`, body), scope, id)) as Response;
const get = (scope: string, id: string) => getBudgetResponse(req("GET", `/${scope}/${id}`), scope, id) as Promise<Record<string, unknown>>;

describe("budgets admin API", () => {
  it("needs the master key", async () => {
    expect((await listRoute(req("GET", "", undefined, null), undefined)).status).toBe(401);
    expect((await listRoute(req("GET", "", undefined, "sk-wrong"), undefined)).status).toBe(401);
    expect((await listRoute(req("GET", ""), undefined)).status).toBe(200);
  });

  it("refuses bad input with 400 naming the parameter; unknown targets with 404", async () => {
    await expect(put("tenant", "x", { max_budget_usd: 1 })).rejects.toMatchObject({ status: 400, param: "scope" });
    await expect(put("global", "everyone", { max_budget_usd: 1 })).rejects.toMatchObject({ status: 400, param: "id" });
    await expect(put("team", teamId, { max_budget_usd: -1 })).rejects.toMatchObject({ status: 400, param: "max_budget_usd" });
    await expect(put("team", teamId, { max_budget_usd: 1, period: "yearly" })).rejects.toMatchObject({ status: 400, param: "period" });
    await expect(put("team", teamId, { max_budget_usd: 1, period: "days" })).rejects.toMatchObject({ status: 400, param: "period_days" });
    await expect(put("team", teamId, { max_budget_usd: 1, period_days: 3 })).rejects.toMatchObject({ status: 400, param: "period_days" });
    await expect(put("team", teamId, { max_budget_usd: 1, timezone: "Mars/Olympus" })).rejects.toMatchObject({ status: 400, param: "timezone" });
    await expect(put("team", teamId, { max_budget_usd: 1, alert_thresholds: [0] })).rejects.toMatchObject({ status: 400, param: "alert_thresholds[0]" });
    await expect(put("team", teamId, { max_budget_usd: 1, rpm: 1.5 })).rejects.toMatchObject({ status: 400, param: "rpm" });
    await expect(put("team", teamId, { max_budget_usd: 1, surprise: true })).rejects.toMatchObject({ status: 400 });
    await expect(put("team", teamId, { soft: true })).rejects.toMatchObject({ status: 400, param: "max_budget_usd" });
    await expect(put("team", "tm_ghost", { max_budget_usd: 1 })).rejects.toMatchObject({ status: 404, param: "id" });
    await expect(get("team", teamId)).rejects.toMatchObject({ status: 404 });
  });

  it("creates (201), replaces (200), reads with the current period's spend, and deletes", async () => {
    const created = await put("team", teamId, { max_budget_usd: 0.01, period: "daily", timezone: "Asia/Kolkata", rpm: 60 });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      object: "budget",
      scope: "team",
      scope_id: teamId,
      source: "database",
      max_budget_usd: 0.01,
      max_budget_micros: 10_000,
      period: "daily",
      timezone: "Asia/Kolkata",
      soft: false,
      alert_thresholds: [75, 100],
      rpm: 60,
      tpm: null,
      spend_usd: 0,
      spend_micros: 0,
      remaining_micros: 10_000,
      used_pct: 0,
      period_start: "2026-11-28T18:30:00.000Z",
      reset_at: "2026-11-29T18:30:00.000Z",
      updated_by: "master",
    });

    // The request path sees the new budget at once; spend shows in GET.
    const config = { enabled: true, alert_thresholds: [75, 100] };
    const r = await reserveBudgets({ requestId: "req-1", teamId, estimateMicros: 3_000, config });
    expect(await get("team", teamId)).toMatchObject({ spend_micros: 0, reserved_micros: 3_000, reserved_usd: 0.003 });
    await settleBudgets(r, 7_500);
    expect(await get("team", teamId)).toMatchObject({ spend_usd: 0.0075, spend_micros: 7_500, reserved_micros: 0, remaining_usd: 0.0025, remaining_micros: 2_500, used_pct: 75 });

    const replaced = await put("team", teamId, { max_budget_usd: 0.005, period: "daily", timezone: "Asia/Kolkata" });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ max_budget_micros: 5_000, rpm: null, spend_micros: 7_500, remaining_micros: 0, used_pct: 150 });
    await expect(reserveBudgets({ requestId: "req-2", teamId, estimateMicros: 1, config })).rejects.toBeInstanceOf(BudgetExceededError);

    const days = await put("team", teamId, { max_budget_usd: 1, period: "days", period_days: 14, anchor: "2026-11-20T12:00:00Z" });
    expect(await days.json()).toMatchObject({ period: "days", period_days: 14, period_label: "every 14 days", anchor: "2026-11-20T12:00:00.000Z", period_start: "2026-11-20T00:00:00.000Z", reset_at: "2026-12-04T00:00:00.000Z" });

    expect(await deleteBudgetResponse(req("DELETE", `/team/${teamId}`), "team", teamId)).toEqual({ object: "budget.deleted", scope: "team", scope_id: teamId, deleted: true });
    await expect(deleteBudgetResponse(req("DELETE", `/team/${teamId}`), "team", teamId)).rejects.toMatchObject({ status: 404 });
    expect((await reserveBudgets({ requestId: "req-3", teamId, estimateMicros: 1, config })).entries).toEqual([]);
  });

  it("global and end-user budgets come from the config until a row replaces them", async () => {
    expect(await get("global", "global")).toMatchObject({ scope: "global", scope_id: "global", source: "config", max_budget_usd: 100, period: "monthly", period_start: "2026-11-01T00:00:00.000Z", reset_at: "2026-12-01T00:00:00.000Z" });
    expect(await get("end_user", "alice@example.com")).toMatchObject({ scope: "end_user", source: "config", max_budget_usd: 0.5, timezone: "Europe/Paris", period_start: "2026-11-28T23:00:00.000Z" });
    expect((await put("end_user", "alice@example.com", { max_budget_usd: 2, soft: true })).status).toBe(201);
    expect(await get("end_user", "alice@example.com")).toMatchObject({ source: "database", max_budget_usd: 2, soft: true, period: "monthly" });

    const list = (await listBudgetsResponse(req("GET", ""))) as { data: Record<string, unknown>[]; end_user_default: unknown; enforced: boolean };
    expect(list.enforced).toBe(true);
    expect(list.data.map((b) => [b.scope, b.scope_id, b.source])).toEqual([
      ["end_user", "alice@example.com", "database"],
      ["global", "global", "config"],
    ]);
    expect(list.end_user_default).toMatchObject({ max_budget_usd: 0.5, period: "daily", timezone: "Europe/Paris", alert_thresholds: [75, 100] });
    const onlyEndUsers = (await listBudgetsResponse(req("GET", "?scope=end_user"))) as { data: unknown[] };
    expect(onlyEndUsers.data).toHaveLength(1);
    await expect(listBudgetsResponse(req("GET", "?scope=planet"))).rejects.toMatchObject({ status: 400, param: "scope" });

    // Through the route file: a thin wrapper that serialises errors.
    const missing = await getRoute(req("GET", "/key/nope"), { params: Promise.resolve({ scope: "key", id: "nope" }) });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ type: "invalid_request_error", param: "id" });
  });
});
