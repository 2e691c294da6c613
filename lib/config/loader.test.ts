import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import {
  ConfigError,
  getConfig,
  loadConfigFile,
  onConfigChange,
  reloadConfig,
  resetConfigForTests,
  setConfigForTests,
} from "./loader";

let dir: string;
let savedEnv: NodeJS.ProcessEnv;

function useConfigFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  process.env.HELIX_CONFIG = file;
  resetEnvForTests();
  return file;
}

beforeEach(() => {
  savedEnv = { ...process.env };
  dir = mkdtempSync(path.join(tmpdir(), "helix-config-"));
  delete process.env.HELIX_CONFIG;
  resetEnvForTests();
  resetConfigForTests();
});

afterEach(() => {
  process.env = savedEnv;
  resetEnvForTests();
  resetConfigForTests();
  rmSync(dir, { recursive: true, force: true });
});

describe("loadConfigFile", () => {
  it("loads a file", () => {
    const file = useConfigFile("a.yaml", "model_list:\n  - {model_name: m, provider: groq}\n");
    const r = loadConfigFile(file);
    expect(r.ok && r.config.model_list[0].model).toBe("m");
  });

  it("reports a missing file as an error, not an exception", () => {
    const r = loadConfigFile(path.join(dir, "missing.yaml"));
    expect(r).toMatchObject({ ok: false, errors: [{ path: "", line: 1, column: 1, message: "cannot read config: file not found" }] });
  });
});

describe("getConfig", () => {
  it("uses the defaults when HELIX_CONFIG is unset", () => {
    expect(getConfig().helix_settings.gateway.num_retries).toBe(2);
    expect(getConfig().model_list).toEqual([]);
  });

  it("loads HELIX_CONFIG once and returns the same object afterwards", () => {
    const file = useConfigFile("a.yaml", "helix_settings:\n  gateway: {num_retries: 7}\n");
    const first = getConfig();
    expect(first.helix_settings.gateway.num_retries).toBe(7);
    writeFileSync(file, "helix_settings:\n  gateway: {num_retries: 1}\n");
    expect(getConfig()).toBe(first); // no re-read without reloadConfig()
  });

  it("throws ConfigError with file:line:col messages for a bad file at start", () => {
    const file = useConfigFile("bad.yaml", "helix_settings:\n  gateway:\n    num_retrys: 3\n");
    let thrown: unknown;
    try {
      getConfig();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const err = thrown as ConfigError;
    expect(err.errors).toHaveLength(1);
    expect(err.message).toContain(`${file}:3:5 helix_settings.gateway.num_retrys: unknown key "num_retrys"; did you mean "num_retries"?`);
  });

  it("throws when HELIX_CONFIG names a file that does not exist", () => {
    process.env.HELIX_CONFIG = path.join(dir, "nope.yaml");
    resetEnvForTests();
    expect(() => getConfig()).toThrow(/file not found/);
  });

  it("is one instance per process even when the module is loaded twice (Next.js bundles)", async () => {
    useConfigFile("a.yaml", "helix_settings:\n  dashboard: {port: 1234}\n");
    const first = getConfig();
    vi.resetModules();
    const again = await import("./loader");
    expect(again.getConfig).not.toBe(getConfig);
    expect(again.getConfig()).toBe(first);
  });
});

describe("reloadConfig", () => {
  it("swaps in a valid file and notifies subscribers", () => {
    const file = useConfigFile("a.yaml", "helix_settings:\n  gateway: {num_retries: 1}\n");
    expect(getConfig().helix_settings.gateway.num_retries).toBe(1);
    const seen: number[] = [];
    const off = onConfigChange((c) => seen.push(c.helix_settings.gateway.num_retries));
    writeFileSync(file, "helix_settings:\n  gateway: {num_retries: 4}\n");
    const r = reloadConfig();
    expect(r.ok).toBe(true);
    expect(getConfig().helix_settings.gateway.num_retries).toBe(4);
    expect(seen).toEqual([4]);
    off();
    reloadConfig();
    expect(seen).toEqual([4]);
  });

  it("keeps the running config when the new file is bad, and returns the errors", () => {
    const file = useConfigFile("a.yaml", "helix_settings:\n  gateway: {num_retries: 1}\n");
    const before = getConfig();
    const listener = vi.fn();
    const off = onConfigChange(listener);
    writeFileSync(file, "helix_settings:\n  gateway: {num_retries: 1}\nmodel_list:\n  - {model_name: a, provider: openai, fallbacks: [ghost]}\n");
    const r = reloadConfig();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({ path: "model_list[0].fallbacks[0]", line: 4 });
    expect(getConfig()).toBe(before);
    expect(listener).not.toHaveBeenCalled();

    writeFileSync(file, "helix_settings: [\n"); // syntax error
    expect(reloadConfig().ok).toBe(false);
    rmSync(file); // file gone
    expect(reloadConfig().ok).toBe(false);
    expect(getConfig()).toBe(before);
    off();
  });

  it("does not let a throwing subscriber block the swap", () => {
    const file = useConfigFile("a.yaml", "{}");
    getConfig();
    const off = onConfigChange(() => {
      throw new Error("boom");
    });
    writeFileSync(file, "helix_settings:\n  general: {store_prompts: true}\n");
    expect(reloadConfig().ok).toBe(true);
    expect(getConfig().helix_settings.general.store_prompts).toBe(true);
    off();
  });
});

describe("setConfigForTests", () => {
  it("installs a partial config with defaults applied", () => {
    const cfg = setConfigForTests({ model_list: [{ model_name: "x", provider: "groq" }] });
    expect(getConfig()).toBe(cfg);
    expect(cfg.model_list[0].model).toBe("x");
    expect(cfg.helix_settings.semantic_cache.enabled).toBe(true);
  });

  it("rejects an invalid config", () => {
    expect(() => setConfigForTests({ helix_settings: { gateway: { num_retries: -1 } } })).toThrow(ConfigError);
  });
});
