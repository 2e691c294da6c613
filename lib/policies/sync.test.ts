// The policy overlay in the running config: a version saved elsewhere (another instance's
// connection) is applied by the next refresh; a file reload keeps the overlay over the new file,
// and a reload that the overlay would make invalid is refused; a stored version that does not
// validate over the file is not applied.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getConfig, getFileConfig, onConfigChange, policyOverlayVersion, reloadConfig, resetConfigForTests, setPolicyOverlay } from "@/lib/config/loader";
import { resetEnvForTests } from "@/lib/env";
import { openDb, type DbHandle } from "@/lib/store/db";
import { PolicyVersionStore } from "@/lib/store/policy-versions";
import { REPO_MIGRATIONS_DIR, tempDir } from "@/lib/store/test-support";
import { refreshPolicies, stopPolicySyncForTests } from "./sync";

const tmp = tempDir();
let dir: string;
let file: string;
let h: DbHandle;
let mine: PolicyVersionStore;
let theirs: PolicyVersionStore;
const saved = { ...process.env };

const YAML = (ttl: number, models = "") => `helix_settings:\n  cache:\n    ttl: ${ttl}\nmodel_list:\n  - model_name: gpt-4o\n    provider: openai\n${models}`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "helix-policy-sync-"));
  file = path.join(dir, "helix.yaml");
  writeFileSync(file, YAML(600, "  - model_name: small\n    provider: openai\n    model: gpt-4o-mini\n"));
  process.env.HELIX_CONFIG = file;
  resetEnvForTests();
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
  mine = new PolicyVersionStore(async () => h.prisma);
  // What another instance writes lands in the same table; a second store object stands in for it.
  theirs = new PolicyVersionStore(async () => h.prisma);
});
beforeEach(() => {
  stopPolicySyncForTests();
  resetConfigForTests();
});
afterAll(async () => {
  stopPolicySyncForTests();
  resetConfigForTests();
  await h?.close();
  process.env = saved;
  resetEnvForTests();
  rmSync(dir, { recursive: true, force: true });
  tmp.remove();
});

describe("policy overlay in the running config", () => {
  it("applies the latest stored version on refresh, and a newer one saved elsewhere on the next", async () => {
    expect(await refreshPolicies(mine)).toBe(0);
    expect(getConfig().helix_settings.cache.ttl).toBe(600);
    const seen: number[] = [];
    const off = onConfigChange((c) => seen.push(c.helix_settings.cache.ttl));
    await theirs.append({ baseVersion: 0, settings: { cache: { ttl: 30 } }, createdBy: "master" });
    // Nothing changes until a refresh: requests never read the database.
    expect(getConfig().helix_settings.cache.ttl).toBe(600);
    expect(await refreshPolicies(mine)).toBe(1);
    expect(getConfig().helix_settings.cache.ttl).toBe(30);
    expect(getFileConfig().helix_settings.cache.ttl).toBe(600);
    const before = getConfig();
    // Same version: the config object is kept (memoised engines stay warm).
    expect(await refreshPolicies(mine)).toBe(1);
    expect(getConfig()).toBe(before);
    await theirs.append({ baseVersion: 1, settings: { cache: { ttl: 31 }, pii_protection: { action: "hash" } }, createdBy: "master" });
    expect(await refreshPolicies(mine)).toBe(2);
    expect(getConfig().helix_settings).toMatchObject({ cache: { ttl: 31 }, pii_protection: { action: "hash" } });
    off();
    expect(seen).toEqual([30, 31]);
  });

  it("a file reload keeps the overlay over the new file; one the overlay makes invalid is refused", async () => {
    await refreshPolicies(mine);
    expect(policyOverlayVersion()).toBe(2);
    writeFileSync(file, YAML(900, "  - model_name: small\n    provider: openai\n    model: gpt-4o-mini\n") + "\n");
    const r = reloadConfig();
    expect(r.ok).toBe(true);
    expect(getFileConfig().helix_settings.cache.ttl).toBe(900);
    expect(getConfig().helix_settings.cache.ttl).toBe(31);
    // A swap rule in force targets "small"; a file without it cannot be applied under the overlay.
    await mine.append({ baseVersion: 2, settings: { cost_optimization: { rules: [{ rule_name: "cheap", action: { model: "small" } }] } }, createdBy: "master" });
    await refreshPolicies(mine);
    writeFileSync(file, YAML(1200));
    const refused = reloadConfig();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0].path).toBe("helix_settings.cost_optimization.rules[0].action.model");
    expect(getFileConfig().helix_settings.cache.ttl).toBe(900);
    expect(getConfig().helix_settings.cost_optimization.rules[0].action.model).toBe("small");
  });

  it("a stored version that does not validate over this file is not applied (and not retried)", async () => {
    writeFileSync(file, YAML(1200));
    expect(setPolicyOverlay(undefined).ok).toBe(true);
    // Version 3 (rule to "small") does not validate over this file, which has no "small".
    expect(await refreshPolicies(mine)).toBe(0);
    expect(getConfig().helix_settings.cost_optimization.rules).toEqual([]);
    expect(getConfig().helix_settings.cache.ttl).toBe(1200);
    await mine.append({ baseVersion: 3, settings: { cache: { ttl: 7 } }, createdBy: "master" });
    expect(await refreshPolicies(mine)).toBe(4);
    expect(getConfig().helix_settings.cache.ttl).toBe(7);
  });
});
