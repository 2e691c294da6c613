// The config shapes for custom recognizers, allow and deny lists, and pattern checks that need no
// server: pure (zod only), so the config schema can validate them anywhere, the browser included.
import { z } from "zod";

const ENTITY_TYPE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Words some gateways accept for confidence_level, mapped to scores. */
export const CONFIDENCE_WORDS = { low: 0.3, medium: 0.5, high: 0.85 } as const;

export const customRecognizerSchema = z.object({
  name: z.string().trim().min(1, "name is required"),
  pattern: z.string().min(1, "pattern is required"),
  entity_type: z.string().trim().regex(ENTITY_TYPE, "entity_type must be letters, digits and underscores, starting with a letter"),
  confidence_level: z.union([z.number().gt(0).lte(1), z.enum(["low", "medium", "high"])]),
  context: z.array(z.string().trim().min(1)).optional(),
});
export type CustomRecognizerConfig = z.infer<typeof customRecognizerSchema>;

export const customRecognizersSchema = z.array(customRecognizerSchema).superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate recognizer name "${entry.name}"` });
    seen.add(entry.name);
    const problem = patternProblem(entry.pattern);
    if (problem) ctx.addIssue({ code: "custom", path: [index, "pattern"], message: problem });
  });
});

/** Exact strings never reported (matched case-insensitively). */
export const allowListSchema = z.array(z.string().min(1));

/** Entity type → words always reported as that entity (whole words, case-insensitive). */
export const denyListSchema = z.record(
  z.string().regex(ENTITY_TYPE, "deny_list keys are entity types"),
  z.array(z.string().trim().min(1)).min(1),
);

export interface TranslatedPattern {
  source: string;
  flags: string;
}

/**
 * Python/Presidio regex dialect → JavaScript. Throws with a readable message for constructs
 * JavaScript lacks (verbose mode, inline flags in the middle of a pattern).
 */
export function translatePattern(pattern: string): TranslatedPattern {
  let source = pattern;
  const flags = new Set(["i", "m", "s"]);
  const lead = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (lead) {
    if (lead[1].includes("x")) throw new Error("verbose mode (?x) is not supported");
    source = source.slice(lead[0].length);
  }
  if (/\(\?[aiLmsux]+\)/.test(source)) throw new Error("inline flags like (?i) are only supported at the start of the pattern");
  source = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>");
  source = source.replace(/\\A/g, "^").replace(/\\Z/g, "$");
  if (/\\[pP]\{/.test(source)) flags.add("u");
  return { source, flags: Array.from(flags).join("") };
}

// Samples on which a sound pattern must not produce a zero-length match.
const EMPTY_PROBES = ["", "x", " ", "abc 123 !?", "A-b_c.d\n", "12:34"];

/** Compile and empty-match problems of one pattern, or undefined. Synchronous and fast. */
export function patternProblem(pattern: string): string | undefined {
  let compiled: RegExp;
  try {
    const t = translatePattern(pattern);
    compiled = new RegExp(t.source, t.flags + "g");
  } catch (err) {
    return `invalid pattern: ${(err as Error).message}`;
  }
  for (const probe of EMPTY_PROBES) {
    compiled.lastIndex = 0;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = compiled.exec(probe)) !== null && guard++ < 64) {
      if (m[0].length === 0) return "pattern matches the empty string; it would report empty entities everywhere";
      if (compiled.lastIndex === m.index) compiled.lastIndex++;
    }
  }
  return undefined;
}
