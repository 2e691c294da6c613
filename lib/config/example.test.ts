// config/helix.example.yaml is the user-facing reference: it must parse, show the defaults, and
// document every option the schema has (adding a key without documenting it fails here).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { defaultConfig, formatConfigErrors, parseConfig } from "./parse";
import { HelixConfigSchema } from "./schema";
import { knownKeysAt } from "./suggest";

const FILE = path.resolve(import.meta.dirname, "../../config/helix.example.yaml");
const TEXT = readFileSync(FILE, "utf8");
const LINES = TEXT.split("\n");

/** Leaf key paths of an object (arrays count as leaves). */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** 1-based line of the key at `path` in the example, or undefined when absent. */
function keyLine(pathSegs: (string | number)[]): number | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(TEXT, { lineCounter: lc });
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const seg of pathSegs) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) return undefined;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
    } else {
      return undefined;
    }
  }
  return keyNode?.range ? lc.linePos(keyNode.range[0]).line : undefined;
}

/** A key is documented when a comment is on the line above it or at the end of its line. */
function isCommented(line: number): boolean {
  return LINES[line - 2]?.trim().startsWith("#") === true || / #/.test(LINES[line - 1] ?? "");
}

describe("config/helix.example.yaml", () => {
  it("parses with the loader", () => {
    const r = parseConfig(TEXT, FILE);
    if (!r.ok) throw new Error(formatConfigErrors(r.errors, r.source));
    expect(r.config.model_list.length).toBeGreaterThan(0);
  });

  it("shows the defaults for helix_settings", () => {
    const r = parseConfig(TEXT, FILE);
    expect(r.ok && r.config.helix_settings).toEqual(defaultConfig().helix_settings);
  });

  it("documents every helix_settings option with a comment", () => {
    const missing: string[] = [];
    for (const p of leafPaths(defaultConfig().helix_settings, ["helix_settings"])) {
      const line = keyLine(p);
      if (line === undefined || !isCommented(line)) missing.push(p.join("."));
    }
    expect(missing).toEqual([]);
  });

  it("documents every model_list key on the first entry", () => {
    const keys = knownKeysAt(HelixConfigSchema, ["model_list", 0]) ?? [];
    expect(keys).toContain("fallbacks");
    const missing = keys.filter((k) => {
      const line = keyLine(["model_list", 0, k]);
      return line === undefined || !isCommented(line);
    });
    expect(missing).toEqual([]);
  });
});
