// YAML text → validated HelixConfig, with every error pointing at a line and column of the text.
// Pure (no fs, no env) so /helix/config/validate and the dashboard editor can use it as is.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { HelixConfigSchema, type HelixConfig } from "./schema";
import { closestMatch, knownKeysAt, unknownKeyMessage } from "./suggest";
import { validateRoutingConfig } from "@/lib/routing/validate-routing";

export interface ConfigIssue {
  /** Dotted path with array indices in brackets, e.g. "model_list[2].fallbacks[0]"; "" for the whole file. */
  path: string;
  /** 1-based line and column of the offending YAML node (the key itself for unknown keys). */
  line: number;
  column: number;
  message: string;
}

export type ConfigResult =
  | { ok: true; config: HelixConfig }
  | { ok: false; /** what was parsed (file path or a label), for formatConfigErrors */ source: string; errors: ConfigIssue[] };

/** Thrown where a bad config cannot be returned as a value (startup, tests). */
export class ConfigError extends Error {
  readonly errors: ConfigIssue[];
  constructor(source: string, errors: ConfigIssue[]) {
    super(formatConfigErrors(errors, source));
    this.name = "ConfigError";
    this.errors = errors;
  }
}

/** `path` rendering used in every issue: helix_settings.gateway.num_retries, model_list[0].model. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Startup-log form: a header line, then one `file:line:col path: message` line per issue. */
export function formatConfigErrors(errors: readonly ConfigIssue[], source: string): string {
  const n = errors.length;
  const lines = errors.map((e) => `  ${source}:${e.line}:${e.column} ${e.path === "" ? "" : `${e.path}: `}${e.message}`);
  return [`Invalid Helix config ${source} (${n} error${n === 1 ? "" : "s"}):`, ...lines].join("\n");
}

/**
 * Empty YAML values (`semantic_cache:` with everything below commented out) mean "use the
 * defaults", not "null is the wrong type". Only mapping values are dropped; a null inside a list
 * is still an error.
 */
function dropNullValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullValues);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNullValues(v);
    return out;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The YAML node for a path: the deepest node that exists (a missing key points at its parent
 * mapping). `atKey` returns the key node of the last segment instead of its value.
 */
function locateNode(doc: Document, path: readonly PropertyKey[], atKey: boolean): Node | null {
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      const last = i === path.length - 1;
      const value = pair.value as Node | null;
      // An empty value has a zero-width range at the end of the line; the key reads better.
      const emptyValue = !value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
      if (last && (atKey || emptyValue)) return key;
      node = value;
      found = emptyValue ? key : value;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      node = node.items[seg];
      found = node as Node;
    } else {
      break;
    }
  }
  return found;
}

function position(doc: Document, lc: LineCounter, path: readonly PropertyKey[], atKey = false) {
  const node = locateNode(doc, path, atKey);
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "invalid_type" && input === undefined) return "is required";
  if (issue.code === "invalid_value" && typeof input === "string") {
    const values = issue.values.map(String);
    const guess = closestMatch(input, values);
    const list = values.map((v) => `"${v}"`).join(", ");
    return `"${input}" is not one of ${list}${guess !== undefined ? `; did you mean "${guess}"?` : ""}`;
  }
  // zod prefixes messages with "Invalid input: "; the path already says where.
  return issue.message.replace(/^Invalid input: /, "");
}

/** Validate an already-parsed value against the schema; `locate` maps a path to a line/column. */
function validate(
  value: unknown,
  source: string,
  locate: (path: readonly PropertyKey[], atKey: boolean) => { line: number; column: number },
): ConfigResult {
  const parsed = HelixConfigSchema.safeParse(dropNullValues(value ?? {}), { reportInput: true });
  if (parsed.success) {
    // Cross-section checks the schema cannot express (aliases that loop, rules that cannot be served).
    const routing = validateRoutingConfig(parsed.data);
    if (routing.length === 0) return { ok: true, config: deepFreeze(parsed.data) };
    const errors = routing.map((i) => ({ path: formatPath(i.path), ...locate(i.path, i.path[2] === "model_aliases"), message: i.message }));
    return { ok: false, source, errors };
  }
  const errors: ConfigIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      // One issue per key so each points at its own line.
      const known = knownKeysAt(HelixConfigSchema, issue.path) ?? [];
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        errors.push({ path: formatPath(path), ...locate(path, true), message: unknownKeyMessage(key, known) });
      }
    } else {
      errors.push({ path: formatPath(issue.path), ...locate(issue.path, false), message: issueMessage(issue) });
    }
  }
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, source, errors };
}

/** Parse and validate helix.yaml text. `sourceName` only labels messages (file name or "request body"). */
export function parseConfig(text: string, sourceName = "helix.yaml"): ConfigResult {
  const lc = new LineCounter();
  // merge: `<<: *defaults` is common for sharing settings between model_list entries.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      source: sourceName,
      errors: doc.errors.map((e) => {
        const { line, col } = lc.linePos(e.pos[0]);
        return { path: "", line, column: col, message: `YAML syntax error: ${e.message}` };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // e.g. alias bombs exceeding maxAliasCount
    return { ok: false, source: sourceName, errors: [{ path: "", line: 1, column: 1, message: `YAML error: ${(err as Error).message}` }] };
  }
  return validate(value, sourceName, (path, atKey) => position(doc, lc, path, atKey));
}

/** Validate a config given as an object (tests, JSON APIs); positions are 0 (unknown). */
export function parseConfigObject(value: unknown, sourceName = "config object"): ConfigResult {
  return validate(value, sourceName, () => ({ line: 0, column: 0 }));
}

/** The config an empty or absent file gives. */
export function defaultConfig(): HelixConfig {
  const r = parseConfigObject({});
  if (!r.ok) throw new Error("BUG: the config defaults do not validate");
  return r.config;
}
