import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it("keeps paths on this site and refuses other hosts", () => {
    expect(safeCallbackPath("/dashboard/spend?range=7d")).toBe("/dashboard/spend?range=7d");
    expect(safeCallbackPath(["/dashboard/keys"])).toBe("/dashboard/keys");
    for (const bad of [undefined, null, "", "https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/login", "/setup?x=1"]) {
      expect(safeCallbackPath(bad)).toBe("/dashboard");
    }
  });
});
