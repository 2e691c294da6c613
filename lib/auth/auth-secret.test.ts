import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "@/lib/store/test-support";
import { persistedSecret, SECRET_FILE_NAME } from "./auth-secret";

const tmp = tempDir("helix-secret-");
afterAll(() => tmp.remove());

describe("generated NEXTAUTH_SECRET", () => {
  it("is created once with mode 0600 and read back afterwards", () => {
    const dir = path.join(tmp.dir, "data");
    const first = persistedSecret(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dir, SECRET_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(persistedSecret(dir)).toBe(first);
  });

  it("refuses a file without a usable secret", () => {
    writeFileSync(path.join(tmp.dir, SECRET_FILE_NAME), "short");
    expect(() => persistedSecret(tmp.dir)).toThrow(/no usable secret/);
  });
});
