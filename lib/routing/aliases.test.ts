import { describe, expect, it } from "vitest";
import { MAX_ALIAS_DEPTH, aliasErrorMessage, describeAliasPath, isAlias, resolveAlias } from "./aliases";

describe("resolveAlias", () => {
  it("a name that is not an alias stands for itself", () => {
    expect(resolveAlias("gpt-4o", { fast: "gpt-4o-mini" })).toEqual({ ok: true, model: "gpt-4o", via: [] });
  });

  it("follows one alias, to a model_name or a provider/model", () => {
    expect(resolveAlias("fast", { fast: "gpt-4o-mini" })).toEqual({ ok: true, model: "gpt-4o-mini", via: ["fast"] });
    expect(resolveAlias("smart", { smart: "anthropic/claude-sonnet-4-5" })).toEqual({ ok: true, model: "anthropic/claude-sonnet-4-5", via: ["smart"] });
  });

  it("follows chains, and says the path it took", () => {
    const aliases = { a: "b", b: "c", c: "gpt-4o" };
    const r = resolveAlias("a", aliases);
    expect(r).toEqual({ ok: true, model: "gpt-4o", via: ["a", "b", "c"] });
    expect(describeAliasPath(r)).toBe("a → b → c → gpt-4o");
  });

  it(`allows ${MAX_ALIAS_DEPTH} hops and refuses more`, () => {
    const chain = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, i === n - 1 ? "gpt-4o" : `a${i + 1}`]));
    expect(resolveAlias("a0", chain(MAX_ALIAS_DEPTH))).toMatchObject({ ok: true, model: "gpt-4o" });
    const r = resolveAlias("a0", chain(MAX_ALIAS_DEPTH + 1));
    expect(r).toMatchObject({ ok: false, error: "too_deep" });
    if (!r.ok) expect(aliasErrorMessage(r)).toMatch(/longer than 5: a0 → a1 → a2 → a3 → a4 → a5/);
  });

  it("reports cycles, including an alias to itself", () => {
    const r = resolveAlias("a", { a: "b", b: "a" });
    expect(r).toEqual({ ok: false, error: "cycle", via: ["a", "b", "a"] });
    if (!r.ok) expect(aliasErrorMessage(r)).toBe("model aliases form a cycle: a → b → a");
    expect(resolveAlias("x", { x: "x" })).toEqual({ ok: false, error: "cycle", via: ["x", "x"] });
    // A chain that runs into a cycle further on.
    expect(resolveAlias("in", { in: "a", a: "b", b: "a" })).toMatchObject({ ok: false, error: "cycle", via: ["in", "a", "b", "a"] });
  });

  it("does not take Object.prototype's names for aliases", () => {
    expect(isAlias("constructor", {})).toBe(false);
    expect(resolveAlias("constructor", {})).toEqual({ ok: true, model: "constructor", via: [] });
    expect(resolveAlias("__proto__", { fast: "x" })).toEqual({ ok: true, model: "__proto__", via: [] });
  });
});
