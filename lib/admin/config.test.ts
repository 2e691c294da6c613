// The config admin API against a real HELIX_CONFIG file: masked reads with the dashboard's
// overrides named, validation with line numbers (YAML and JSON), and atomic reloads that refuse a
// bad file and keep the running config.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getRoute } from "@/app/api/helix/config/route";
import { POST as validateRoute } from "@/app/api/helix/config/validate/route";
import { POST as reloadRoute } from "@/app/api/helix/reload-config/route";
import { getConfig, resetConfigForTests, setPolicyOverlay } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import { tempDir } from "@/lib/store/test-support";

const MASTER = "sk-master-config-test";
const tmp = tempDir("helix-config-");
const file = path.join(tmp.dir, "helix.yaml");
const saved = { ...process.env };

const GOOD = `model_list:
  - model_name: gpt-4o
    provider: openai
    api_key_env: OPENAI_API_KEY
    headers:
      Authorization: Bearer sk-live-canary0123456789abcdef
helix_settings:
  cache:
    ttl: 600
  cost_optimization:
    alert_webhooks:
      - url: https://hooks.slack.com/services/T000/B000/canaryWebhookToken
        format: slack
`;

beforeAll(() => {
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  process.env.HELIX_DATA_DIR = path.join(tmp.dir, "data");
  process.env.MASTER_KEY = MASTER;
  process.env.HELIX_CONFIG = file;
  resetEnvForTests();
  writeFileSync(file, GOOD);
  resetConfigForTests();
});
afterAll(() => {
  resetConfigForTests();
  process.env = saved;
  resetEnvForTests();
  tmp.remove();
});

const req = (method: string, url: string, opts: { body?: string; type?: string; key?: string | null } = {}) => {
  const key = opts.key === undefined ? MASTER : opts.key;
  return new Request(`http://helix/helix${url}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(opts.type ? { "content-type": opts.type } : {}) },
    body: opts.body,
  });
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });
const get = async (key?: string | null) => json(await getRoute(req("GET", "/config", { key }), undefined));
const validate = async (body: string, type = "text/yaml", key?: string | null) => json(await validateRoute(req("POST", "/config/validate", { body, type, key }), undefined));
const reload = async (key?: string | null) => json(await reloadRoute(req("POST", "/reload-config", { key }), undefined));

describe("config admin API", () => {
  it("needs admin credentials", async () => {
    expect((await get(null)).status).toBe(401);
    expect((await get("not-a-key")).status).toBe(401);
    expect((await validate("model_list: []", "text/yaml", null)).status).toBe(401);
    expect((await reload(null)).status).toBe(401);
  });

  it("GET shows the effective config with secrets masked, its source and fingerprint", async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: "config", source: file, policy_version: 0, from_dashboard: [] });
    expect(body.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(body.fingerprint).toBe(body.file_fingerprint);
    expect(body.config.model_list[0].model_name).toBe("gpt-4o");
    expect(body.config.model_list[0].api_key_env).toBe("OPENAI_API_KEY");
    expect(body.config.model_list[0].headers.Authorization).toBe("Bearer ****cdef");
    expect(body.config.helix_settings.cost_optimization.alert_webhooks[0].url).toBe("https://hooks.slack.com/****");
    const text = JSON.stringify(body);
    expect(text).not.toContain("canary0123456789");
    expect(text).not.toContain("canaryWebhookToken");
  });

  it("GET names the fields the dashboard's policies override", async () => {
    expect(setPolicyOverlay({ version: 3, settings: { cache: { ttl: 42 } } }).ok).toBe(true);
    try {
      const { body } = await get();
      expect(body.policy_version).toBe(3);
      expect(body.from_dashboard).toEqual([{ path: "cache.ttl", file: 600, effective: 42 }]);
      expect(body.config.helix_settings.cache.ttl).toBe(42);
      expect(body.fingerprint).not.toBe(body.file_fingerprint);
    } finally {
      setPolicyOverlay(undefined);
    }
  });

  it("validate answers valid for a good document and errors with lines for a bad one", async () => {
    const ok = await validate(GOOD);
    expect(ok).toMatchObject({ status: 200, body: { valid: true, errors: [] } });

    const bad = await validate("model_list:\n  - model_name: a\n    provider: opnai\nhelix_settings:\n  cache:\n    ttl: -5\n");
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "model_list[0].provider", line: 3 }),
        expect.objectContaining({ path: "helix_settings.cache.ttl", line: 6 }),
      ]),
    );

    const syntax = await validate("model_list:\n  - model_name: [unclosed\n");
    expect(syntax.body.valid).toBe(false);
    expect(syntax.body.errors[0].message).toMatch(/YAML syntax error/);
    expect(syntax.body.errors[0].line).toBeGreaterThan(0);
  });

  it("validate takes JSON too, with line numbers, and refuses unreadable bodies with 400", async () => {
    const bad = await validate('{\n  "model_list": [\n    {"model_name": "a", "provider": "nope"}\n  ]\n}', "application/json");
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors[0]).toMatchObject({ path: "model_list[0].provider", line: 3 });
    expect((await validate('{"model_list": [{"model_name": "a", "provider": "openai"}]}', "application/json")).body.valid).toBe(true);
    expect((await validate("{not json", "application/json")).status).toBe(400);
    expect((await validate("[1, 2]", "application/json")).status).toBe(400);
    expect((await validate("   ")).status).toBe(400);
    expect((await validate("a: 1", "image/png")).status).toBe(415);
  });

  it("validate enforces the body size limit", async () => {
    const limit = getConfig().helix_settings.general.max_body_bytes;
    const big = `# ${"x".repeat(limit)}\nmodel_list: []\n`;
    expect((await validate(big)).status).toBe(413);
  });

  it("reload applies a changed file and refuses a bad one, keeping the running config", async () => {
    const before = (await get()).body.fingerprint as string;
    writeFileSync(file, GOOD.replace("model_list:\n", "model_list:\n  - model_name: added-model\n    provider: openai\n"));
    const ok = await reload();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ reloaded: true, changed: true, previous_fingerprint: before });
    expect(getConfig().model_list.map((m) => m.model_name)).toEqual(["added-model", "gpt-4o"]);
    const applied = ok.body.fingerprint as string;
    expect((await get()).body.fingerprint).toBe(applied);

    writeFileSync(file, "model_list:\n  - model_name: broken\n    provider: nowhere\n");
    const bad = await reload();
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ reloaded: false, fingerprint: applied, error: { code: "invalid_config" } });
    expect(bad.body.errors[0]).toMatchObject({ path: "model_list[0].provider", line: 3 });
    expect(getConfig().model_list.map((m) => m.model_name)).toEqual(["added-model", "gpt-4o"]);
    expect((await get()).body.fingerprint).toBe(applied);
  });
});
