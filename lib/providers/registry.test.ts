import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { defaultApiBase, defaultApiKey, getProvider, isProviderId, officialApiBase, PROVIDER_IDS } from "./registry";

afterEach(() => {
  delete process.env.OPENAI_BASE_URL;
  delete process.env.GROQ_API_KEY;
  resetEnvForTests();
});

describe("registry", () => {
  it("has one provider per id", () => {
    for (const id of PROVIDER_IDS) expect(getProvider(id).id).toBe(id);
    expect(isProviderId("anthropic")).toBe(true);
    expect(isProviderId("toString")).toBe(false);
  });

  it("official base URLs follow each SDK's convention", () => {
    expect(officialApiBase("openai")).toBe("https://api.openai.com/v1");
    expect(officialApiBase("groq")).toBe("https://api.groq.com/openai/v1");
    expect(officialApiBase("anthropic")).toBe("https://api.anthropic.com");
    expect(officialApiBase("gemini")).toBe("https://generativelanguage.googleapis.com");
    expect(officialApiBase("openai-compatible")).toBeUndefined();
  });

  it("environment overrides base URL and supplies keys", () => {
    process.env.OPENAI_BASE_URL = "http://localhost:9999/v1";
    process.env.GROQ_API_KEY = "gsk_test";
    resetEnvForTests();
    expect(defaultApiBase("openai")).toBe("http://localhost:9999/v1");
    expect(defaultApiBase("anthropic")).toBe("https://api.anthropic.com");
    expect(defaultApiKey("groq")).toBe("gsk_test");
  });
});
