import { describe, expect, it } from "vitest";
import { defaultConfig, formatConfigErrors, parseConfig, parseConfigObject, type ConfigIssue, type ConfigResult } from "./parse";

function errorsOf(r: ConfigResult): ConfigIssue[] {
  if (r.ok) throw new Error(`expected errors, got a valid config: ${JSON.stringify(r.config)}`);
  return r.errors;
}

function configOf(r: ConfigResult) {
  if (!r.ok) throw new Error(formatConfigErrors(r.errors, r.source));
  return r.config;
}

const FULL = `
helix_settings:
  general:
    store_prompts: true
    max_body_bytes: 2048
  gateway:
    num_retries: 5
    retry_backoff_ms: 100
    retry_backoff_max_ms: 1000
    max_retry_after_ms: 5000
    timeouts: {connect_ms: 1000, first_byte_ms: 2000, stream_idle_ms: 3000}
    model_aliases: {fast: gpt-4o-mini}
  cache: {enabled: false, ttl: 30, scope: global, max_memory_bytes: 1000, max_entry_bytes: 100}
  semantic_cache:
    enabled: false
    similarity_threshold: 0.95
    thresholds: {gpt-4o: 0.97}
    embedding_model: "bge-small"
    ttl: 60
    max_temperature: 0.5
    skip_tool_requests: false
    guard: false
    vector_store: memory
  pii_protection:
    enabled: false
    strict_mode: false
    entities: [us_ssn, IBAN_CODE]
    action: tokenize
    entity_actions: {person: block}
    secrets: false
    scan_output: true
    score_threshold: 0.5
    mask: {masking_char: "#", chars_to_mask: 4, from_end: true}
    custom_recognizers: [{name: emp, pattern: "EMP-\\\\d{6}", entity_type: EMPLOYEE_ID, confidence_level: 0.9}]
    allow_list: [help@example.com]
    deny_list: {PERSON: [Voldemort]}
  cost_optimization:
    enabled: false
    model_swapping: false
    budget_alerts: false
    reserve_output_tokens: 256
    alert_thresholds: [75, 100]
    alert_webhooks: [{url: "https://hooks.example.com/x", format: slack, headers: {Authorization: Bearer t}}]
    global_budget: {max_budget_usd: 100, period: days, period_days: 14, timezone: Europe/Paris}
    end_user_budget: {max_budget_usd: 1.5, period: daily, soft: true, alert_thresholds: [90]}
    prices: {"openai-compatible/llama3": {input_per_mtok: 0.1, output_per_mtok: 0.2}}
    rules:
      - rule_name: small
        conditions: {model: ["gpt-4o", "gpt-4.1*"], max_tokens: "<= 256", budget_used_pct: {gte: 80}, stream: false}
        action: {model: gpt-4o-mini, reason: cheap}
  dashboard: {enabled: false, port: 9000, refresh_interval: 30}
model_list:
  - model_name: gpt-4o
    provider: openai
    model: gpt-4o-2024-08-06
    api_base: https://proxy.example.com/v1/
    api_key_env: CORP_OPENAI_KEY
    headers: {OpenAI-Organization: org-1, x-version: 2023}
    fallbacks: [claude]
  - model_name: claude
    provider: anthropic
`;

describe("parseConfig", () => {
  it("reads every option of a full file", () => {
    const cfg = configOf(parseConfig(FULL, "full.yaml"));
    expect(cfg.helix_settings).toEqual({
      general: { store_prompts: true, max_body_bytes: 2048 },
      gateway: {
        num_retries: 5,
        retry_backoff_ms: 100,
        retry_backoff_max_ms: 1000,
        max_retry_after_ms: 5000,
        timeouts: { connect_ms: 1000, first_byte_ms: 2000, stream_idle_ms: 3000 },
        model_aliases: { fast: "gpt-4o-mini" },
      },
      cache: { enabled: false, ttl: 30, scope: "global", max_memory_bytes: 1000, max_entry_bytes: 100 },
      semantic_cache: {
        enabled: false,
        similarity_threshold: 0.95,
        thresholds: { "gpt-4o": 0.97 },
        embedding_model: "bge-small",
        ttl: 60,
        max_temperature: 0.5,
        skip_tool_requests: false,
        guard: false,
        vector_store: "memory",
      },
      pii_protection: {
        enabled: false,
        strict_mode: false,
        entities: ["US_SSN", "IBAN_CODE"],
        action: "tokenize",
        entity_actions: { PERSON: "block" },
        secrets: false,
        scan_output: true,
        score_threshold: 0.5,
        mask: { masking_char: "#", chars_to_mask: 4, from_end: true },
        custom_recognizers: [{ name: "emp", pattern: "EMP-\\d{6}", entity_type: "EMPLOYEE_ID", confidence_level: 0.9 }],
        allow_list: ["help@example.com"],
        deny_list: { PERSON: ["Voldemort"] },
      },
      cost_optimization: {
        enabled: false,
        model_swapping: false,
        budget_alerts: false,
        reserve_output_tokens: 256,
        alert_thresholds: [75, 100],
        alert_webhooks: [{ url: "https://hooks.example.com/x", format: "slack", headers: { Authorization: "Bearer t" } }],
        global_budget: { max_budget_usd: 100, period: "days", period_days: 14, timezone: "Europe/Paris", soft: false },
        end_user_budget: { max_budget_usd: 1.5, period: "daily", timezone: "UTC", soft: true, alert_thresholds: [90] },
        prices: { "openai-compatible/llama3": { input_per_mtok: 0.1, output_per_mtok: 0.2, per_request_usd: 0 } },
        rules: [
          {
            rule_name: "small",
            conditions: { model: ["gpt-4o", "gpt-4.1*"], max_tokens: { lte: 256 }, budget_used_pct: { gte: 80 }, stream: false },
            action: { model: "gpt-4o-mini", reason: "cheap" },
          },
        ],
      },
      dashboard: { enabled: false, port: 9000, refresh_interval: 30 },
    });
    expect(cfg.model_list).toEqual([
      {
        model_name: "gpt-4o",
        provider: "openai",
        model: "gpt-4o-2024-08-06",
        api_base: "https://proxy.example.com/v1/",
        api_key_env: "CORP_OPENAI_KEY",
        headers: { "OpenAI-Organization": "org-1", "x-version": "2023" },
        fallbacks: ["claude"],
      },
      // model defaults to model_name; headers and fallbacks to empty
      { model_name: "claude", provider: "anthropic", model: "claude", headers: {}, fallbacks: [] },
    ]);
  });

  it("gives the documented defaults for an empty file, a comment-only file and {}", () => {
    const expected = {
      helix_settings: {
        general: { store_prompts: false, max_body_bytes: 10_485_760 },
        gateway: {
          num_retries: 2,
          retry_backoff_ms: 250,
          retry_backoff_max_ms: 8000,
          max_retry_after_ms: 30_000,
          timeouts: { connect_ms: 10_000, first_byte_ms: 600_000, stream_idle_ms: 120_000 },
          model_aliases: {},
        },
        cache: { enabled: true, ttl: 2_592_000, scope: "tenant", max_memory_bytes: 268_435_456, max_entry_bytes: 1_048_576 },
        semantic_cache: {
          enabled: true,
          similarity_threshold: 0.88,
          thresholds: {},
          embedding_model: "all-MiniLM-L6-v2",
          ttl: 2_592_000,
          max_temperature: 1,
          skip_tool_requests: true,
          guard: true,
          vector_store: "auto",
        },
        pii_protection: {
          enabled: true,
          strict_mode: true,
          entities: ["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"],
          action: "redact",
          entity_actions: {},
          secrets: true,
          scan_output: false,
          score_threshold: 0.4,
          mask: { masking_char: "*", chars_to_mask: 0, from_end: false },
          custom_recognizers: [],
          allow_list: [],
          deny_list: {},
        },
        cost_optimization: {
          enabled: true,
          model_swapping: true,
          budget_alerts: true,
          reserve_output_tokens: 1024,
          alert_thresholds: [50, 80, 100],
          alert_webhooks: [],
          prices: {},
          rules: [],
        },
        dashboard: { enabled: true, port: 8501, refresh_interval: 5 },
      },
      model_list: [],
    };
    expect(configOf(parseConfig("", "empty.yaml"))).toEqual(expected);
    expect(configOf(parseConfig("# nothing here\n", "c.yaml"))).toEqual(expected);
    expect(configOf(parseConfig("{}", "o.yaml"))).toEqual(expected);
    expect(defaultConfig()).toEqual(expected);
  });

  it("fills the rest of a partly given section with defaults, and treats empty values as defaults", () => {
    const cfg = configOf(parseConfig("helix_settings:\n  gateway:\n    num_retries: 0\n  semantic_cache:\n  dashboard:\n    port:\n", "p.yaml"));
    expect(cfg.helix_settings.gateway.num_retries).toBe(0);
    expect(cfg.helix_settings.gateway.retry_backoff_ms).toBe(250);
    expect(cfg.helix_settings.gateway.timeouts.connect_ms).toBe(10_000);
    expect(cfg.helix_settings.semantic_cache.similarity_threshold).toBe(0.88);
    expect(cfg.helix_settings.dashboard.port).toBe(8501);
  });

  it("returns a frozen config, so a shared config cannot be changed by one request", () => {
    const cfg = configOf(parseConfig(FULL, "full.yaml"));
    expect(Object.isFrozen(cfg.helix_settings.gateway.timeouts)).toBe(true);
    expect(Object.isFrozen(cfg.model_list[0].fallbacks)).toBe(true);
  });

  it("reports an unknown key deep in the file at the key's line/column, with a suggestion", () => {
    const text = [
      "helix_settings:", //                1
      "  gateway:", //                     2
      "    timeouts:", //                  3
      "      connect_ms: 5", //            4
      "      stream_idel_ms: 10", //       5
      "  semantic_cache:", //              6
      "    similarity_treshold: 0.9", //   7
    ].join("\n");
    const errors = errorsOf(parseConfig(text, "typo.yaml"));
    expect(errors).toEqual([
      {
        path: "helix_settings.gateway.timeouts.stream_idel_ms",
        line: 5,
        column: 7,
        message: 'unknown key "stream_idel_ms"; did you mean "stream_idle_ms"?',
      },
      {
        path: "helix_settings.semantic_cache.similarity_treshold",
        line: 7,
        column: 5,
        message: 'unknown key "similarity_treshold"; did you mean "similarity_threshold"?',
      },
    ]);
  });

  it("lists the allowed keys when nothing is close, and explains keys from other gateways", () => {
    const text = "helix_settings:\n  dashboard:\n    colour_scheme: dark\nmodel_list:\n  - model_name: a\n    provider: openai\n    api_key: sk-abc\n";
    const errors = errorsOf(parseConfig(text, "x.yaml"));
    expect(errors[0]).toMatchObject({ path: "helix_settings.dashboard.colour_scheme", line: 3, column: 5 });
    expect(errors[0].message).toContain("allowed keys: enabled, port, refresh_interval");
    expect(errors[1]).toMatchObject({ path: "model_list[0].api_key", line: 7, column: 5 });
    expect(errors[1].message).toContain("api_key_env");
  });

  it("suggests model_list entry keys", () => {
    const text = "model_list:\n  - model_name: a\n    provider: openai\n    fallback: [a]\n    apiBase: http://x\n";
    expect(errorsOf(parseConfig(text, "e.yaml"))).toEqual([
      { path: "model_list[0].fallback", line: 4, column: 5, message: 'unknown key "fallback"; did you mean "fallbacks"?' },
      { path: "model_list[0].apiBase", line: 5, column: 5, message: 'unknown key "apiBase"; did you mean "api_base"?' },
    ]);
  });

  it("suggests a top-level key too", () => {
    const errors = errorsOf(parseConfig("helix_setting:\n  general: {}\n", "x.yaml"));
    expect(errors).toEqual([
      { path: "helix_setting", line: 1, column: 1, message: 'unknown key "helix_setting"; did you mean "helix_settings"?' },
    ]);
  });

  it("reports a wrong type at the value's line/column", () => {
    const text = "helix_settings:\n  gateway:\n    num_retries: lots\n  general:\n    store_prompts: \"yes\"\n";
    const errors = errorsOf(parseConfig(text, "t.yaml"));
    expect(errors).toEqual([
      { path: "helix_settings.gateway.num_retries", line: 3, column: 18, message: "expected number, received string" },
      { path: "helix_settings.general.store_prompts", line: 5, column: 20, message: "expected boolean, received string" },
    ]);
  });

  it("reports out-of-range numbers and bad enum values with a suggestion", () => {
    const text = "helix_settings:\n  semantic_cache:\n    similarity_threshold: 1.5\n  pii_protection:\n    action: redcat\n";
    const errors = errorsOf(parseConfig(text, "r.yaml"));
    expect(errors[0]).toMatchObject({ path: "helix_settings.semantic_cache.similarity_threshold", line: 3, column: 27 });
    expect(errors[0].message).toMatch(/<=1/);
    expect(errors[1]).toMatchObject({ path: "helix_settings.pii_protection.action", line: 5, column: 13 });
    expect(errors[1].message).toContain('did you mean "redact"?');
  });

  it("rejects a backoff maximum below the base", () => {
    const errors = errorsOf(parseConfig("helix_settings:\n  gateway:\n    retry_backoff_ms: 500\n    retry_backoff_max_ms: 100\n", "b.yaml"));
    expect(errors).toEqual([
      { path: "helix_settings.gateway.retry_backoff_max_ms", line: 4, column: 27, message: "must be at least retry_backoff_ms" },
    ]);
  });

  it("reports YAML syntax errors with line/column", () => {
    const errors = errorsOf(parseConfig("helix_settings:\n  general:\n    store_prompts: [true\n  gateway: {}\n", "s.yaml"));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].path).toBe("");
    expect(errors[0].message).toMatch(/^YAML syntax error: /);
    expect(errors[0].line).toBeGreaterThanOrEqual(3);
    expect(errors[0].column).toBeGreaterThanOrEqual(1);
  });

  it("reports duplicate keys as a YAML error at the second key", () => {
    const errors = errorsOf(parseConfig("helix_settings: {}\nmodel_list: []\nhelix_settings: {}\n", "d.yaml"));
    expect(errors[0]).toMatchObject({ line: 3, column: 1 });
    expect(errors[0].message).toMatch(/unique/);
  });

  it("rejects a top level that is not a mapping", () => {
    const errors = errorsOf(parseConfig("- a\n- b\n", "l.yaml"));
    expect(errors).toEqual([{ path: "", line: 1, column: 1, message: "expected object, received array" }]);
  });

  it("rejects a fallback that names no model_name, pointing at the fallback", () => {
    const text = "model_list:\n  - model_name: a\n    provider: openai\n    fallbacks: [b, nope]\n  - model_name: b\n    provider: groq\n";
    expect(errorsOf(parseConfig(text, "f.yaml"))).toEqual([
      { path: "model_list[0].fallbacks[1]", line: 4, column: 20, message: 'fallback "nope" is not a model_name in model_list' },
    ]);
  });

  it("allows duplicate model_name entries (alternative deployments)", () => {
    const text = "model_list:\n  - {model_name: a, provider: openai}\n  - {model_name: a, provider: groq, model: x}\n";
    expect(configOf(parseConfig(text, "dup.yaml")).model_list.map((m) => m.provider)).toEqual(["openai", "groq"]);
  });

  it("requires api_base for openai-compatible, pointing at the entry", () => {
    const text = "model_list:\n  - model_name: local\n    provider: openai-compatible\n";
    expect(errorsOf(parseConfig(text, "oc.yaml"))).toEqual([
      {
        path: "model_list[0].api_base",
        line: 2,
        column: 5,
        message: 'provider "openai-compatible" needs api_base (e.g. http://localhost:11434/v1 for Ollama)',
      },
    ]);
    expect(parseConfig(text + "    api_base: http://localhost:11434/v1\n", "oc.yaml").ok).toBe(true);
  });

  it("validates model entries: required keys, provider names, URLs, env names, header names", () => {
    const text = [
      "model_list:",
      "  - provider: openai", //                         2: missing model_name
      "  - model_name: b", //                            3
      "    provider: opneai", //                         4
      "  - model_name: c", //                            5
      "    provider: openai", //                         6
      "    api_base: ftp://x", //                        7
      "    api_key_env: sk-live-123", //                 8
      "    headers: {'bad header': 1}", //               9
    ].join("\n");
    const errors = errorsOf(parseConfig(text, "m.yaml"));
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ["model_list[0].model_name", 2],
      ["model_list[1].provider", 4],
      ["model_list[2].api_base", 7],
      ["model_list[2].api_key_env", 8],
      ["model_list[2].headers.bad header", 9],
    ]);
    expect(errors[0].message).toBe("is required");
    expect(errors[1].message).toContain('did you mean "openai"?');
    expect(errors[3].message).toContain("NAME of an environment variable");
  });

  it("resolves YAML anchors and merge keys", () => {
    const text = [
      "x-defaults: &d",
      "  provider: openai",
    ].join("\n");
    // Unknown top-level key is still an error, anchors or not.
    expect(errorsOf(parseConfig(text, "a.yaml"))[0].path).toBe("x-defaults");
    const merged = "model_list:\n  - &base {model_name: a, provider: groq, model: m}\n  - <<: *base\n    model_name: b\n";
    const cfg = configOf(parseConfig(merged, "m.yaml"));
    expect(cfg.model_list[1]).toMatchObject({ model_name: "b", provider: "groq", model: "m" });
  });

  it("formats errors one per line as file:line:col path: message", () => {
    const r = parseConfig("helix_settings:\n  gateway:\n    num_retries: -1\n", "conf/helix.yaml");
    if (r.ok) throw new Error("expected errors");
    const text = formatConfigErrors(r.errors, r.source);
    expect(text.split("\n")[0]).toBe("Invalid Helix config conf/helix.yaml (1 error):");
    expect(text.split("\n")[1]).toMatch(/^ {2}conf\/helix\.yaml:3:18 helix_settings\.gateway\.num_retries: .+/);
  });

  it("validates objects too (no positions)", () => {
    expect(parseConfigObject({ helix_settings: { general: { store_prompts: true } } }).ok).toBe(true);
    const r = parseConfigObject({ helix_settings: { genral: {} } });
    expect(errorsOf(r)).toEqual([
      { path: "helix_settings.genral", line: 0, column: 0, message: 'unknown key "genral"; did you mean "general"?' },
    ]);
  });
});
