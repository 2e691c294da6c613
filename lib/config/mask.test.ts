import { describe, expect, it } from "vitest";
import { maskedConfig, maskSecret } from "./mask";
import { parseConfig } from "./parse";

const TEXT = `
model_list:
  - model_name: azure-gpt
    provider: openai-compatible
    api_base: https://res.openai.azure.com/openai/deployments/gpt-4o
    api_key_env: AZURE_KEY
    headers:
      api-key: 0123456789abcdef0123
      Authorization: Bearer sk-live-abcdefghijklmnop
      x-api-key: short
      x-goog-api-key: AIzaSyA-1234567890abcdef
      Cookie: session=abc
      X-Portkey-Virtual-Key: vk-123
      HTTP-Referer: https://helix.example.com
      X-Title: Helix
`;

describe("maskedConfig", () => {
  const r = parseConfig(TEXT, "m.yaml");
  if (!r.ok) throw new Error("fixture must parse");
  const cfg = r.config;

  it("masks header values that carry credentials and keeps the rest", () => {
    const headers = maskedConfig(cfg).model_list[0].headers;
    expect(headers).toEqual({
      "api-key": "****0123",
      Authorization: "Bearer ****mnop",
      "x-api-key": "****",
      "x-goog-api-key": "****cdef",
      Cookie: "****",
      "X-Portkey-Virtual-Key": "****",
      "HTTP-Referer": "https://helix.example.com",
      "X-Title": "Helix",
    });
    expect(JSON.stringify(maskedConfig(cfg))).not.toContain("sk-live");
  });

  it("keeps env var names (they are not secrets) and does not touch the original", () => {
    const masked = maskedConfig(cfg);
    expect(masked.model_list[0].api_key_env).toBe("AZURE_KEY");
    expect(masked.helix_settings).toEqual(cfg.helix_settings);
    expect(cfg.model_list[0].headers["api-key"]).toBe("0123456789abcdef0123");
  });

  it("shows only the origin of alert webhook URLs (their path is the credential) and masks their auth headers", () => {
    const w = parseConfig(
      `helix_settings:\n  cost_optimization:\n    alert_webhooks: [{url: "https://hooks.slack.com/services/T0/B0/secretpart", format: slack, headers: {Authorization: "Bearer abcdefghijklmnopqrst"}}]\n`,
      "w.yaml",
    );
    if (!w.ok) throw new Error("fixture must parse");
    const hook = maskedConfig(w.config).helix_settings.cost_optimization.alert_webhooks[0];
    expect(hook.url).toBe("https://hooks.slack.com/****");
    expect(hook.headers.Authorization).toBe("Bearer ****qrst");
    expect(JSON.stringify(maskedConfig(w.config))).not.toContain("secretpart");
  });

  it("masks secret-looking keys anywhere, for keys added later", () => {
    const masked = maskedConfig({ ...cfg, extra: { redis_password: "hunter2", api_key: "sk-abcdefghijklmnopqrstu", max_tokens: 5 } } as never);
    expect((masked as unknown as { extra: unknown }).extra).toEqual({ redis_password: "****", api_key: "****rstu", max_tokens: 5 });
  });

  it("masks credentials inside other URLs (user:password, query strings) and keeps plain URLs", () => {
    const u = parseConfig(
      `model_list:\n  - {model_name: a, provider: openai-compatible, api_base: "https://bob:pa55word@llm.example.com/v1?api-key=qwertyuiopasdf"}\n  - {model_name: b, provider: openai-compatible, api_base: "https://llm.example.com/v1"}\n`,
      "u.yaml",
    );
    if (!u.ok) throw new Error("fixture must parse");
    const masked = maskedConfig(u.config);
    expect(masked.model_list[0].api_base).toBe("https://****@llm.example.com/v1?****");
    expect(masked.model_list[1].api_base).toBe("https://llm.example.com/v1");
    expect(JSON.stringify(masked)).not.toMatch(/pa55word|qwertyuiop|bob/);
  });

  it("maskSecret keeps a scheme and only the last 4 characters of long values", () => {
    expect(maskSecret("Bearer abc")).toBe("Bearer ****");
    expect(maskSecret("sk-proj-0123456789ABCDEF")).toBe("****CDEF");
    expect(maskSecret("")).toBe("****");
  });
});
