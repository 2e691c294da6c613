// The policies admin API with MASTER_KEY set, on embedded PGlite: read, dry-run, save (in force
// for the next request at once), optimistic concurrency (409), invalid documents (400 naming the
// path), slow patterns, history with changed paths, revert, and the PII preview of a draft.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getRoute, PUT as putRoute } from "@/app/api/helix/policies/route";
import { POST as validateRoute } from "@/app/api/helix/policies/validate/route";
import { POST as revertRoute } from "@/app/api/helix/policies/revert/[version]/route";
import { POST as piiTestRoute } from "@/app/api/helix/pii/test/route";
import { getConfig, resetConfigForTests, setConfigForTests } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import { stopPolicySyncForTests } from "@/lib/policies/sync";
import { closeDb, getDb } from "@/lib/store/db";
import { closeKv } from "@/lib/store/kv";
import { tempDir } from "@/lib/store/test-support";

const MASTER = "sk-master-policies-test";
const tmp = tempDir();
const saved = { ...process.env };

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.MASTER_KEY = MASTER;
  resetEnvForTests();
  setConfigForTests({
    model_list: [
      { model_name: "gpt-4o", provider: "openai" },
      { model_name: "gpt-4o-mini", provider: "openai" },
    ],
    helix_settings: { cache: { ttl: 600 }, pii_protection: { entities: ["EMAIL_ADDRESS"] } },
  });
  await getDb();
});
afterAll(async () => {
  stopPolicySyncForTests();
  resetConfigForTests();
  await closeKv();
  await closeDb();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

const req = (method: string, url: string, body?: unknown, key: string | null = MASTER) =>
  new Request(`http://helix/helix${url}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> }); // eslint-disable-line @typescript-eslint/no-explicit-any
const get = async (key: string | null = MASTER) => json(await getRoute(req("GET", "/policies", undefined, key), undefined));
const put = async (body: unknown, key: string | null = MASTER) => json(await putRoute(req("PUT", "/policies", body, key), undefined));
const validate = async (body: unknown) => json(await validateRoute(req("POST", "/policies/validate", body), undefined));
const revert = async (version: string, body: unknown) =>
  json(await revertRoute(req("POST", `/policies/revert/${version}`, body), { params: Promise.resolve({ version }) }));
const piiTest = async (body: unknown) => json(await piiTestRoute(req("POST", "/pii/test", body), undefined));

const EMPLOYEE = { name: "employee-id", pattern: "EMP-\\d{6}", entity_type: "EMPLOYEE_ID", confidence_level: 0.9 };

describe("policies admin API", () => {
  it("needs the master key (or a dashboard session)", async () => {
    expect((await get(null)).status).toBe(401);
    expect((await get("sk-wrong")).status).toBe(401);
    expect((await put({ base_version: 0, settings: {} }, "sk-wrong")).status).toBe(401);
  });

  it("reads version 0: no overrides, the effective values are the file's", async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: "policy", version: 0, settings: {}, history: [], diff_vs_file: [], can_edit: true, created_by: null });
    expect(body.effective.cache).toMatchObject({ ttl: 600, enabled: true, scope: "tenant" });
    expect(body.effective.pii_protection.entities).toEqual(["EMAIL_ADDRESS"]);
    expect(body.fields.cache).toContain("ttl");
  });

  it("validates a draft without saving it", async () => {
    const bad = await validate({ settings: { cache: { ttl: -1 }, pii_protection: { custom_recognizers: [{ ...EMPLOYEE, pattern: "(" }] } } });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["cache.ttl", "pii_protection.custom_recognizers[0].pattern"]);
    const good = await validate({ settings: { cache: { ttl: 60 } } });
    expect(good.body).toMatchObject({ valid: true, errors: [], diff_vs_file: [{ path: "cache.ttl", file: 600, effective: 60 }] });
    expect((await get()).body.version).toBe(0);
    // Unknown fields are a 400 on the body itself.
    expect((await validate({ settings: { gateway: {} } })).status).toBe(400);
  });

  it("saves version 1 and the running config has it at once", async () => {
    expect(getConfig().helix_settings.pii_protection.custom_recognizers).toEqual([]);
    const { status, body } = await put({ base_version: 0, settings: { pii_protection: { custom_recognizers: [EMPLOYEE] }, cache: { ttl: 60 } }, comment: "employee ids" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: 1, applied_version: 1, created_by: "master", comment: "employee ids" });
    expect(body.history).toEqual([
      expect.objectContaining({ version: 1, created_by: "master", comment: "employee ids", changed: ["pii_protection.custom_recognizers", "cache.ttl"] }),
    ]);
    expect(getConfig().helix_settings.pii_protection.custom_recognizers.map((c) => c.name)).toEqual(["employee-id"]);
    expect(getConfig().helix_settings.cache.ttl).toBe(60);
    // The file's other values stay.
    expect(getConfig().helix_settings.pii_protection.entities).toEqual(["EMAIL_ADDRESS"]);
  });

  it("refuses a save from a stale base version with 409, and changes nothing", async () => {
    const { status, body } = await put({ base_version: 0, settings: { cache: { ttl: 5 } } });
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ type: "conflict_error", param: "base_version", code: "policy_version_conflict" });
    expect(body.error.message).toMatch(/version 1 is current/);
    expect(getConfig().helix_settings.cache.ttl).toBe(60);
  });

  it("refuses an invalid document with 400 naming the field, and a catastrophic pattern", async () => {
    const bad = await put({ base_version: 1, settings: { pii_protection: { action: "shred" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ param: "settings.pii_protection.action", code: "invalid_policy" });
    const slow = await put({ base_version: 1, settings: { pii_protection: { custom_recognizers: [{ ...EMPLOYEE, pattern: "(a+)+$" }] } } });
    expect(slow.status).toBe(400);
    expect(slow.body.error.message).toMatch(/catastrophic backtracking/);
    expect(slow.body.error.param).toBe("settings.pii_protection.custom_recognizers[0].pattern");
    expect((await get()).body.version).toBe(1);
  });

  it("keeps a history with who changed what, and reverts by saving an old version again", async () => {
    expect((await put({ base_version: 1, settings: { pii_protection: { custom_recognizers: [EMPLOYEE], action: "mask" } } })).body.version).toBe(2);
    const r = await revert("1", { base_version: 2 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 3, comment: "Revert to version 1", settings: { cache: { ttl: 60 } } });
    expect(r.body.history.map((h: { version: number; changed: string[] }) => [h.version, h.changed])).toEqual([
      [3, ["pii_protection.action", "cache.ttl"]],
      [2, ["pii_protection.action", "cache.ttl"]],
      [1, ["pii_protection.custom_recognizers", "cache.ttl"]],
    ]);
    expect(getConfig().helix_settings.pii_protection.action).toBe("redact");
    expect((await revert("9", { base_version: 3 })).status).toBe(404);
    expect((await revert("x", { base_version: 3 })).status).toBe(400);
    expect((await revert("1", { base_version: 2 })).status).toBe(409);
    // Version 0: back to the file alone.
    const zero = await revert("0", { base_version: 3 });
    expect(zero.body).toMatchObject({ version: 4, settings: {}, diff_vs_file: [] });
    expect(getConfig().helix_settings.cache.ttl).toBe(600);
    expect(getConfig().helix_settings.pii_protection.custom_recognizers).toEqual([]);
  });
});

describe("PII preview of a draft (POST /helix/pii/test with draft)", () => {
  it("applies unsaved recognizers and actions to the text", async () => {
    const text = "Ask EMP-123456 or mail bob@example.com";
    const saved = await piiTest({ text });
    expect(saved.body.entities).toEqual(["EMAIL_ADDRESS"]);
    const draft = await piiTest({ text, draft: { custom_recognizers: [EMPLOYEE], entity_actions: { EMAIL_ADDRESS: "mask" } } });
    expect(draft.status).toBe(200);
    expect(draft.body.entities).toEqual(["EMAIL_ADDRESS", "EMPLOYEE_ID"]);
    expect(draft.body.text).toContain("<EMPLOYEE_ID>");
    expect(draft.body.text).not.toContain("EMP-123456");
    expect(draft.body.text).not.toContain("bob@example.com");
    const emp = draft.body.findings.find((f: { entity_type: string }) => f.entity_type === "EMPLOYEE_ID");
    expect(text.slice(emp.start, emp.end)).toBe("EMP-123456");
  });

  it("refuses an invalid or slow draft with 400", async () => {
    const bad = await piiTest({ text: "x", draft: { custom_recognizers: [{ ...EMPLOYEE, pattern: "(" }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("draft.custom_recognizers[0].pattern");
    const slow = await piiTest({ text: "x", draft: { custom_recognizers: [{ ...EMPLOYEE, pattern: "(\\w+\\s?)+$" }] } });
    expect(slow.status).toBe(400);
    expect(slow.body.error.code).toBe("invalid_custom_recognizer");
    expect((await piiTest({ text: "x", draft: { strict_mode: false } })).status).toBe(400);
  });
});
