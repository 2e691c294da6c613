// Shared set-up for API tests: a fake upstream speaking every provider's wire format, a config
// that routes one model name to each provider kind, and the env that points Helix at the fake.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeUpstream, type FakeUpstream } from "../../test/fake-upstream/server";

export type { FakeUpstream };
export { startFakeUpstream };

/** One model name per provider kind; the tests run the same cases against each. */
export const PROVIDER_MODELS = {
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  gemini: "gemini-2.0-flash",
  groq: "groq/llama-3.3-70b-versatile",
  "openai-compatible": "local-llama",
} as const;

export function writeConfig(fake: FakeUpstream, extra = ""): string {
  const dir = mkdtempSync(path.join(tmpdir(), "helix-cfg-"));
  const file = path.join(dir, "helix.yaml");
  writeFileSync(
    file,
    `helix_settings:
  general: {store_prompts: false, max_body_bytes: 200000}
  gateway:
    num_retries: 2
    retry_backoff_ms: 20
    retry_backoff_max_ms: 100
    max_retry_after_ms: 5000
    timeouts: {connect_ms: 2000, first_byte_ms: 1500, stream_idle_ms: 1500}
model_list:
  - model_name: local-llama
    provider: openai-compatible
    model: llama3.1:8b
    api_base: ${fake.url}/v1
    api_key_env: LOCAL_LLM_KEY
  - model_name: gpt-4o-mini
    provider: openai
  - model_name: claude-3-5-haiku-latest
    provider: anthropic
  - model_name: gemini-2.0-flash
    provider: gemini
  - model_name: text-embedding-3-small
    provider: openai
  - model_name: dead-model
    provider: openai-compatible
    api_base: http://127.0.0.1:9/v1
  - model_name: bad-key-model
    provider: openai
    model: gpt-4o-mini
    api_key_env: BAD_UPSTREAM_KEY
  - model_name: with-fallback
    provider: openai-compatible
    api_base: http://127.0.0.1:9/v1
    fallbacks: [claude-3-5-haiku-latest]
${extra}`,
  );
  return file;
}

export function upstreamEnv(fake: FakeUpstream): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: "sk-fake-openai",
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    GEMINI_BASE_URL: fake.url,
    GOOGLE_API_KEY: "fake-google-key",
    GROQ_BASE_URL: `${fake.url}/openai/v1`,
    GROQ_API_KEY: "gsk-fake",
    LOCAL_LLM_KEY: "sk-local-llm",
    // The fake answers 401 to keys starting with "invalid".
    BAD_UPSTREAM_KEY: "invalid-upstream-key",
  };
}
