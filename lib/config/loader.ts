// The running config: loaded once from HELIX_CONFIG, swapped atomically on reload.
import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { ConfigError, defaultConfig, parseConfig, parseConfigObject, type ConfigResult } from "./parse";
import type { HelixConfig, HelixConfigInput } from "./schema";
import { applyPolicy, type PolicySettings } from "@/lib/policies/overlay";

export { ConfigError, formatConfigErrors, parseConfig, parseConfigObject, defaultConfig } from "./parse";
export type { ConfigIssue, ConfigResult } from "./parse";
export type { HelixConfig, HelixConfigInput } from "./schema";

/** Read and validate a config file. Never throws: unreadable files are errors too. */
export function loadConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message;
    return { ok: false, source: file, errors: [{ path: "", line: 1, column: 1, message: `cannot read config: ${reason}` }] };
  }
  return parseConfig(text, file);
}

type Listener = (config: HelixConfig) => void;

/** The dashboard's policy document in force over the file (lib/policies/sync.ts installs it). */
export interface PolicyOverlay {
  version: number;
  settings: PolicySettings;
}

interface ConfigState {
  /** The effective config: the file's with the policy overlay applied. */
  config: HelixConfig | undefined;
  /** The file's config alone (what reloads replace). */
  file: HelixConfig | undefined;
  overlay: PolicyOverlay | undefined;
  listeners: Set<Listener>;
}

// On globalThis because Next.js may evaluate this module twice in one process (route bundles),
// and two copies would disagree after a reload.
const STATE = Symbol.for("helix.config.state");
function state(): ConfigState {
  const g = globalThis as { [STATE]?: ConfigState };
  return (g[STATE] ??= { config: undefined, file: undefined, overlay: undefined, listeners: new Set() });
}

/** The file HELIX_CONFIG names, resolved against the working directory; undefined when unset. */
export function configPath(): string | undefined {
  const p = env().HELIX_CONFIG;
  return p === undefined ? undefined : path.resolve(p);
}

function loadFromEnv(): ConfigResult {
  const file = configPath();
  return file === undefined ? { ok: true, config: defaultConfig() } : loadConfigFile(file);
}

function install(config: HelixConfig): void {
  const s = state();
  s.config = config;
  for (const listener of s.listeners) {
    try {
      listener(config);
    } catch {
      // A subscriber's failure must not undo or block the swap the others already saw.
    }
  }
}

/** The effective config. The first call loads HELIX_CONFIG (defaults when unset); a bad file throws ConfigError. */
export function getConfig(): HelixConfig {
  const s = state();
  if (s.config) return s.config;
  const file = getFileConfig();
  // An overlay installed before the file was read (it validated against this same file then).
  const r = s.overlay ? applyPolicy(file, s.overlay.settings, `policy version ${s.overlay.version}`) : undefined;
  s.config = r?.ok ? r.config : file;
  return s.config;
}

/** The config of HELIX_CONFIG alone, without the dashboard's policies. */
export function getFileConfig(): HelixConfig {
  const s = state();
  if (s.file) return s.file;
  const r = loadFromEnv();
  if (!r.ok) throw new ConfigError(r.source, r.errors);
  s.file = r.config;
  return r.config;
}

/**
 * Re-read HELIX_CONFIG. The new config replaces the running one only if it is entirely valid,
 * the dashboard's policies included (they stay in force over the new file); otherwise the errors
 * are returned and requests keep using the old one.
 */
export function reloadConfig(): ConfigResult {
  const r = loadFromEnv();
  if (!r.ok) return r;
  const s = state();
  if (s.overlay) {
    const merged = applyPolicy(r.config, s.overlay.settings, `dashboard policy version ${s.overlay.version} over ${configPath() ?? "the defaults"}`);
    if (!merged.ok) return merged;
    s.file = r.config;
    install(merged.config);
    return merged;
  }
  s.file = r.config;
  install(r.config);
  return r;
}

/** The policy version in force (0: none). */
export function policyOverlayVersion(): number {
  return state().overlay?.version ?? 0;
}

/**
 * Put the dashboard's policy document in force over the file config (undefined: none). Applied
 * only when the result is entirely valid; otherwise the errors are returned and nothing changes.
 */
export function setPolicyOverlay(overlay: PolicyOverlay | undefined): ConfigResult {
  const file = getFileConfig();
  const r = overlay ? applyPolicy(file, overlay.settings, `dashboard policy version ${overlay.version}`) : { ok: true as const, config: file };
  if (!r.ok) return r;
  state().overlay = overlay;
  install(r.config);
  return r;
}

/** Called with the new config after each successful reload (or setConfigForTests); returns an unsubscribe. */
export function onConfigChange(listener: Listener): () => void {
  state().listeners.add(listener);
  return () => state().listeners.delete(listener);
}

/** Install a config (validated, defaults applied; partial input is fine). Throws ConfigError when invalid. */
export function setConfigForTests(cfg: HelixConfigInput): HelixConfig {
  const r = parseConfigObject(cfg, "setConfigForTests");
  if (!r.ok) throw new ConfigError(r.source, r.errors);
  state().file = r.config;
  state().overlay = undefined;
  install(r.config);
  return r.config;
}

/** Forget the loaded config so the next getConfig() reads HELIX_CONFIG again. */
export function resetConfigForTests(): void {
  state().config = undefined;
  state().file = undefined;
  state().overlay = undefined;
}
