import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatConfigErrors, parseConfig } from "@/lib/config/parse";
import { HelixConfigSchema, type HelixConfig } from "@/lib/config/schema";
import { parse as parseYaml } from "yaml";
import { resetEnvForTests } from "@/lib/env";
import { ModelNotFoundError } from "@/lib/errors";
import { isModelAllowed, listModels, ModelAliasError, resolveModel, resolveModelName } from "./resolve-model";

const ENV_KEYS = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "GOOGLE_API_KEY",
  "GEMINI_BASE_URL",
  "GROQ_API_KEY",
  "GROQ_BASE_URL",
  "CORP_KEY",
];
let saved: NodeJS.ProcessEnv;

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
}

function config(yaml: string): HelixConfig {
  const r = parseConfig(yaml, "test.yaml");
  if (!r.ok) throw new Error(formatConfigErrors(r.errors, r.source));
  return r.config;
}

/** The schema alone, for configs the loader refuses (a loop must still fail safely at run time). */
function unchecked(yaml: string): HelixConfig {
  return HelixConfigSchema.parse(parseYaml(yaml));
}

const EMPTY = config("");

beforeEach(() => {
  saved = { ...process.env };
  setEnv(Object.fromEntries(ENV_KEYS.map((k) => [k, undefined])));
});

afterEach(() => {
  process.env = saved;
  resetEnvForTests();
});

const chainOf = (name: string, cfg: HelixConfig) =>
  resolveModel(name, cfg).chain.map((t) => `${t.modelName}:${t.provider}:${t.upstreamModel}`);

describe("resolveModel by provider prefix (not in model_list)", () => {
  it.each([
    ["gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["o1", "openai", "o1"],
    ["o3-mini", "openai", "o3-mini"],
    ["o4-mini-2025-04-16", "openai", "o4-mini-2025-04-16"],
    ["chatgpt-4o-latest", "openai", "chatgpt-4o-latest"],
    ["text-embedding-3-small", "openai", "text-embedding-3-small"],
    ["davinci-002", "openai", "davinci-002"],
    ["babbage-002", "openai", "babbage-002"],
    ["ft:gpt-4o-mini-2024-07-18:acme::abc123", "openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123"],
    ["claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"],
    ["gemini-2.5-flash", "gemini", "gemini-2.5-flash"],
    ["gemini-embedding-001", "gemini", "gemini-embedding-001"],
    ["text-embedding-004", "gemini", "text-embedding-004"],
    ["groq/llama-3.1-8b-instant", "groq", "llama-3.1-8b-instant"],
    ["openai/my-finetune", "openai", "my-finetune"],
    ["anthropic/claude-3-haiku-20240307", "anthropic", "claude-3-haiku-20240307"],
    ["gemini/gemma-3-27b-it", "gemini", "gemma-3-27b-it"],
  ])("%s → %s (%s)", (name, provider, upstream) => {
    const r = resolveModel(name, EMPTY);
    expect(r.requested).toBe(name);
    expect(r.chain).toHaveLength(1);
    expect(r.chain[0]).toMatchObject({ provider, upstreamModel: upstream, modelName: name });
  });

  it.each(["mistral-large", "llama3", "o", "omni-moderation-latest", "groq/", "GPT-4o", "azure/gpt-4o", ""])(
    "%j → ModelNotFoundError",
    (name) => {
      expect(() => resolveModel(name, EMPTY)).toThrow(ModelNotFoundError);
    },
  );

  it("uses the provider default base URLs and no key when none is set", () => {
    const base = (n: string) => resolveModel(n, EMPTY).chain[0];
    expect(base("gpt-4o")).toEqual({ provider: "openai", upstreamModel: "gpt-4o", apiBase: "https://api.openai.com/v1", modelName: "gpt-4o" });
    expect(base("claude-x").apiBase).toBe("https://api.anthropic.com");
    expect(base("gemini-x").apiBase).toBe("https://generativelanguage.googleapis.com");
    expect(base("groq/x").apiBase).toBe("https://api.groq.com/openai/v1");
  });

  it("takes base URLs and keys from the environment, without trailing slashes", () => {
    setEnv({
      OPENAI_BASE_URL: "http://127.0.0.1:9999/v1/",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9998//",
      GEMINI_BASE_URL: "http://127.0.0.1:9997",
      GROQ_BASE_URL: "http://127.0.0.1:9996/openai/v1/",
      OPENAI_API_KEY: "sk-openai",
      ANTHROPIC_API_KEY: "sk-ant",
      GOOGLE_API_KEY: "g-key",
      GROQ_API_KEY: "gsk",
    });
    const t = (n: string) => resolveModel(n, EMPTY).chain[0];
    expect([t("gpt-4o").apiBase, t("gpt-4o").apiKey]).toEqual(["http://127.0.0.1:9999/v1", "sk-openai"]);
    expect([t("claude-x").apiBase, t("claude-x").apiKey]).toEqual(["http://127.0.0.1:9998", "sk-ant"]);
    expect([t("gemini-x").apiBase, t("gemini-x").apiKey]).toEqual(["http://127.0.0.1:9997", "g-key"]);
    expect([t("groq/x").apiBase, t("groq/x").apiKey]).toEqual(["http://127.0.0.1:9996/openai/v1", "gsk"]);
  });
});

describe("resolveModel with model_list", () => {
  const CFG = config(`
model_list:
  - model_name: smart
    provider: openai
    model: gpt-4o-2024-08-06
    fallbacks: [backup, cheap]
  - model_name: smart
    provider: openai-compatible
    model: gpt-4o
    api_base: https://azure.example.com/openai/v1/
    headers: {api-key: abc}
    fallbacks: [cheap, smart]
  - model_name: backup
    provider: anthropic
    model: claude-sonnet-4-5
    fallbacks: [last, smart]
  - model_name: cheap
    provider: groq
    model: llama-3.1-8b-instant
    fallbacks: [backup]
  - model_name: last
    provider: gemini
    model: gemini-2.5-flash
  - model_name: gpt-4o
    provider: openai-compatible
    api_base: http://localhost:11434/v1
`);

  it("tries a name's own deployments in file order, then fallbacks depth first, each once (cycles included)", () => {
    expect(chainOf("smart", CFG)).toEqual([
      "smart:openai:gpt-4o-2024-08-06",
      "smart:openai-compatible:gpt-4o",
      "backup:anthropic:claude-sonnet-4-5",
      "last:gemini:gemini-2.5-flash",
      "cheap:groq:llama-3.1-8b-instant",
    ]);
    expect(chainOf("cheap", CFG)).toEqual([
      "cheap:groq:llama-3.1-8b-instant",
      "backup:anthropic:claude-sonnet-4-5",
      "last:gemini:gemini-2.5-flash",
      "smart:openai:gpt-4o-2024-08-06",
      "smart:openai-compatible:gpt-4o",
    ]);
    expect(chainOf("last", CFG)).toEqual(["last:gemini:gemini-2.5-flash"]);
  });

  it("prefers a model_list entry over prefix rules", () => {
    expect(resolveModel("gpt-4o", CFG).chain).toEqual([
      { provider: "openai-compatible", upstreamModel: "gpt-4o", apiBase: "http://localhost:11434/v1", modelName: "gpt-4o" },
    ]);
  });

  it("still resolves names outside model_list by prefix", () => {
    expect(chainOf("gpt-4o-mini", CFG)).toEqual(["gpt-4o-mini:openai:gpt-4o-mini"]);
    expect(() => resolveModel("smarter", CFG)).toThrow(ModelNotFoundError);
  });

  it("gives each deployment its api_base (over the env), headers, and no borrowed key for openai-compatible", () => {
    setEnv({ OPENAI_API_KEY: "sk-openai", OPENAI_BASE_URL: "http://env.example/v1" });
    const [first, second] = resolveModel("smart", CFG).chain;
    expect(first).toMatchObject({ apiBase: "http://env.example/v1", apiKey: "sk-openai" });
    expect(second.apiBase).toBe("https://azure.example.com/openai/v1");
    expect(second.headers).toEqual({ "api-key": "abc" });
    expect(second.apiKey).toBeUndefined();
  });

  it("reads the key named by api_key_env, falling back to the provider's env key", () => {
    const cfg = config(`
model_list:
  - {model_name: a, provider: openai, api_key_env: CORP_KEY}
  - {model_name: b, provider: openai-compatible, api_base: "http://x/v1", api_key_env: CORP_KEY}
`);
    setEnv({ OPENAI_API_KEY: "sk-default" });
    expect(resolveModel("a", cfg).chain[0].apiKey).toBe("sk-default");
    expect(resolveModel("b", cfg).chain[0].apiKey).toBeUndefined();
    setEnv({ CORP_KEY: "sk-corp" });
    expect(resolveModel("a", cfg).chain[0].apiKey).toBe("sk-corp");
    expect(resolveModel("b", cfg).chain[0].apiKey).toBe("sk-corp");
  });

  it("drops an entry identical to one already in the chain", () => {
    const cfg = config(`
model_list:
  - {model_name: a, provider: openai, model: gpt-4o}
  - {model_name: a, provider: openai, model: gpt-4o}
  - {model_name: a, provider: openai, model: gpt-4o, api_base: "https://eu.example.com/v1"}
  - {model_name: a, provider: groq, model: gpt-4o, fallbacks: [b]}
  - {model_name: b, provider: openai, model: gpt-4o}
`);
    expect(resolveModel("a", cfg).chain.map((t) => `${t.provider}@${t.apiBase}`)).toEqual([
      "openai@https://api.openai.com/v1",
      "openai@https://eu.example.com/v1",
      "groq@https://api.groq.com/openai/v1",
    ]);
  });

  it("returns a fresh array each time, with frozen shared targets", () => {
    const a = resolveModel("smart", CFG);
    a.chain.pop();
    const b = resolveModel("smart", CFG);
    expect(b.chain).toHaveLength(5);
    expect(b.chain[0]).toBe(resolveModel("smart", CFG).chain[0]); // precomputed, not rebuilt
    expect(Object.isFrozen(b.chain[0])).toBe(true);
  });

  it("sees environment changes after resetEnvForTests", () => {
    expect(resolveModel("smart", CFG).chain[0].apiKey).toBeUndefined();
    setEnv({ OPENAI_API_KEY: "sk-later" });
    expect(resolveModel("smart", CFG).chain[0].apiKey).toBe("sk-later");
  });
});

describe("resolveModel with model_aliases", () => {
  const CFG = unchecked(`
helix_settings:
  gateway:
    model_aliases:
      fast: gpt-4o-mini
      smart: best
      best: primary
      claude: anthropic/claude-sonnet-4-5
      loop: loop2
      loop2: loop
      dead: llama3
model_list:
  - {model_name: primary, provider: openai, model: gpt-4o-2024-08-06, fallbacks: [backup]}
  - {model_name: backup, provider: groq, model: llama-3.1-70b}
`);

  it("resolves an alias to a provider-prefixed model, keeping what was requested", () => {
    const r = resolveModel("fast", CFG);
    expect(r.requested).toBe("fast");
    expect(r.model).toBe("gpt-4o-mini");
    expect(chainOf("fast", CFG)).toEqual(["gpt-4o-mini:openai:gpt-4o-mini"]);
    expect(chainOf("claude", CFG)).toEqual(["anthropic/claude-sonnet-4-5:anthropic:claude-sonnet-4-5"]);
  });

  it("follows alias chains into model_list, fallbacks included", () => {
    expect(resolveModel("smart", CFG).model).toBe("primary");
    expect(chainOf("smart", CFG)).toEqual(["primary:openai:gpt-4o-2024-08-06", "backup:groq:llama-3.1-70b"]);
    expect(resolveModel("smart", CFG).chain[0]).toBe(resolveModel("primary", CFG).chain[0]);
  });

  it("a name that is not an alias resolves as before", () => {
    expect(resolveModel("primary", CFG)).toMatchObject({ requested: "primary", model: "primary" });
    expect(resolveModelName("gpt-4o", CFG)).toBe("gpt-4o");
    expect(resolveModelName("constructor", CFG)).toBe("constructor");
    expect(() => resolveModel("constructor", CFG)).toThrow(ModelNotFoundError);
  });

  it("a looping alias, or one that leads nowhere, is a 500 naming the alias (config error), not a 404", () => {
    for (const name of ["loop", "dead"]) {
      const err = (() => {
        try {
          resolveModel(name, CFG);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ModelAliasError);
      expect(err).toMatchObject({ status: 500, code: "model_alias_invalid" });
      expect((err as Error).message).toContain(`model alias '${name}'`);
    }
    expect(() => resolveModel("loop", CFG)).toThrow(/cycle: loop → loop2 → loop/);
  });

  it("isModelAllowed: an alias of an allowed model is allowed; allowing an alias does not allow its target", () => {
    expect(isModelAllowed([], "anything", CFG)).toBe(true);
    expect(isModelAllowed(["primary"], "smart", CFG)).toBe(true);
    expect(isModelAllowed(["best"], "smart", CFG)).toBe(true);
    expect(isModelAllowed(["gpt-4o-mini"], "fast", CFG)).toBe(true);
    expect(isModelAllowed(["fast"], "gpt-4o-mini", CFG)).toBe(false);
    expect(isModelAllowed(["primary"], "fast", CFG)).toBe(false);
    expect(isModelAllowed(["loop2"], "loop", CFG)).toBe(false);
  });

  it("aliases are not advertised by listModels (only model_list names are)", () => {
    expect(listModels(CFG).map((m) => m.id)).toEqual(["primary", "backup"]);
  });
});

describe("listModels", () => {
  it("lists each model_name once, in file order, owned by its first deployment's provider", () => {
    const cfg = config(`
model_list:
  - {model_name: b, provider: groq}
  - {model_name: a, provider: anthropic}
  - {model_name: b, provider: openai}
  - {model_name: c, provider: openai-compatible, api_base: "http://x"}
`);
    expect(listModels(cfg)).toEqual([
      { id: "b", owned_by: "groq" },
      { id: "a", owned_by: "anthropic" },
      { id: "c", owned_by: "openai-compatible" },
    ]);
    expect(listModels(EMPTY)).toEqual([]);
  });
});
