import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { env, resetEnvForTests } from "@/lib/env";

const NAMES = ["MASTER_KEY", "NEXTAUTH_SECRET", "ADMIN_PASSWORD", "HELIX_PII_HASH_KEY", "DATABASE_URL"] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
  for (const n of NAMES) delete process.env[n];
  resetEnvForTests();
});

afterEach(() => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
  resetEnvForTests();
});

describe("env(): template placeholders in secrets", () => {
  it.each([
    ["MASTER_KEY", "sk-helix-REPLACE_ME"],
    ["MASTER_KEY", "sk-helix-master-change-me"],
    ["NEXTAUTH_SECRET", "REPLACE_ME-nextauth-secret"],
    ["ADMIN_PASSWORD", "REPLACE_ME-admin-password"],
    ["ADMIN_PASSWORD", "change-me-please"],
    ["HELIX_PII_HASH_KEY", "REPLACE_ME-pii-hash-key"],
    ["DATABASE_URL", "postgres://helix:REPLACE_ME-postgres-password@postgres.helix.svc.cluster.local:5432/helix"],
  ])("refuses %s=%s, naming the variable and not echoing the value", (name, value) => {
    process.env[name] = value;
    let message = "";
    try {
      env();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^\\s+${name}: still (the|holds the) template`, "m"));
    expect(message).not.toContain(value);
  });

  it("accepts real values and unset ones", () => {
    process.env.MASTER_KEY = "sk-helix-3f9a0c1d2e4b5a6978ffeeddccbbaa00";
    process.env.NEXTAUTH_SECRET = "9c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f";
    // Words that merely contain "replaceme" are not the placeholder.
    process.env.ADMIN_PASSWORD = "replacement horse battery staple";
    process.env.DATABASE_URL = "postgres://helix:s3cret@db:5432/helix";
    const e = env();
    expect(e.MASTER_KEY).toBe("sk-helix-3f9a0c1d2e4b5a6978ffeeddccbbaa00");
    expect(e.ADMIN_PASSWORD).toBe("replacement horse battery staple");
    expect(e.HELIX_PII_HASH_KEY).toBeUndefined();
  });

  it("still applies the other rules after the placeholder check (ADMIN_PASSWORD length)", () => {
    process.env.ADMIN_PASSWORD = "short";
    expect(() => env()).toThrow(/ADMIN_PASSWORD: ADMIN_PASSWORD must have at least 8 characters/);
  });
});
