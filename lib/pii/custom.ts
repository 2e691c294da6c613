// Custom recognizers, deny lists and allow lists from configuration, as users already write
// them for other gateways:
//
//   custom_recognizers:
//     - name: employee-id
//       pattern: "EMP-\\d{6}"
//       entity_type: EMPLOYEE_ID
//       confidence_level: 0.8        # 0..1, or low | medium | high
//       context: [employee, staff]
//   deny_list: { PROJECT_CODENAME: ["Falcon", "Blue Harbor"] }
//   allow_list: ["support@helix.dev"]
//
// Patterns are regexes in the common Python/Presidio dialect: a leading "(?i)"-style flag
// group, "(?P<name>…)" and "(?P=name)" are translated; like Presidio they run with DOTALL,
// MULTILINE and IGNORECASE. Validation rejects what cannot compile, what matches the empty
// string, and what backtracks catastrophically (a time-boxed run on 10 KB adversarial inputs
// in a worker thread, so a bad pattern cannot hang the validating process).
import { Worker } from "node:worker_threads";
import { CONFIDENCE_WORDS, customRecognizerSchema, patternProblem, translatePattern, type CustomRecognizerConfig } from "./custom-schema";
export { CONFIDENCE_WORDS, allowListSchema, customRecognizerSchema, customRecognizersSchema, denyListSchema, patternProblem, translatePattern } from "./custom-schema";
export type { CustomRecognizerConfig, TranslatedPattern } from "./custom-schema";
import { PatternRecognizer, denyListRecognizer } from "./pattern-recognizer";
import type { Recognizer } from "./types";

export interface CustomRecognizerError {
  /** Index in custom_recognizers, or -1 for errors of the list itself. */
  index: number;
  name?: string;
  field?: string;
  message: string;
}

function describe(index: number, name: string | undefined): string {
  return name ? `custom_recognizers[${index}] ("${name}")` : `custom_recognizers[${index}]`;
}

/**
 * Schema, compile and empty-match errors, without the timing run. Usable inside a zod
 * refinement or a synchronous config loader.
 */
export function validateCustomRecognizersSync(entries: unknown): CustomRecognizerError[] {
  if (!Array.isArray(entries)) return [{ index: -1, message: "custom_recognizers must be a list" }];
  const errors: CustomRecognizerError[] = [];
  const names = new Set<string>();
  entries.forEach((raw, index) => {
    const name = typeof (raw as { name?: unknown })?.name === "string" ? (raw as { name: string }).name : undefined;
    const parsed = customRecognizerSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join(".") || undefined;
        errors.push({ index, name, field, message: `${describe(index, name)}${field ? `.${field}` : ""}: ${issue.message}` });
      }
      return;
    }
    if (names.has(parsed.data.name)) {
      errors.push({ index, name, field: "name", message: `${describe(index, name)}: duplicate recognizer name` });
    }
    names.add(parsed.data.name);
    const problem = patternProblem(parsed.data.pattern);
    if (problem) errors.push({ index, name, field: "pattern", message: `${describe(index, name)}.pattern: ${problem}` });
  });
  return errors;
}

/**
 * Inputs that make backtracking regexes explode: 10 KB runs of one character class followed
 * by a character that makes the overall match fail.
 */
export function adversarialInputs(length = 10_000): string[] {
  const units = ["a", "A", "1", " ", "-", ".", "_", "@", "/", "ab", "a1", "1 ", "a ", "a.", "1-", "aA1_-. "];
  return units.map((u) => u.repeat(Math.ceil(length / u.length)).slice(0, length) + "\u0000!");
}

// Runs in a worker: every pattern on every adversarial input, reporting per-pattern time.
const SPEED_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { patterns, inputs } = workerData;
for (const p of patterns) {
  const re = new RegExp(p.source, p.flags + "g");
  const t0 = performance.now();
  for (const input of inputs) {
    re.lastIndex = 0;
    let m, n = 0;
    while ((m = re.exec(input)) !== null && n++ < 100000) { if (m[0].length === 0) re.lastIndex++; }
  }
  parentPort.postMessage({ index: p.index, ms: performance.now() - t0 });
}
parentPort.postMessage({ done: true });
`;

export interface SpeedResult {
  index: number;
  /** Total time over the adversarial inputs, or undefined when the budget ran out first. */
  ms?: number;
}

/**
 * Times each pattern on the adversarial inputs in a worker thread. A pattern still running
 * when `budgetMs` expires is reported without `ms` (the worker is terminated).
 */
export async function timePatterns(patterns: readonly string[], budgetMs = 1000): Promise<SpeedResult[]> {
  const compiled = patterns.map((p, index) => ({ index, ...translatePattern(p) }));
  const results = new Map<number, number>();
  await new Promise<void>((resolve) => {
    const worker = new Worker(SPEED_WORKER, { eval: true, workerData: { patterns: compiled, inputs: adversarialInputs() } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve();
    }, budgetMs);
    worker.on("message", (msg: { index?: number; ms?: number; done?: boolean }) => {
      if (msg.done) {
        clearTimeout(timer);
        void worker.terminate();
        resolve();
      } else if (typeof msg.index === "number" && typeof msg.ms === "number") {
        results.set(msg.index, msg.ms);
      }
    });
    worker.on("error", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return patterns.map((_, index) => ({ index, ms: results.get(index) }));
}

export interface ValidateOptions {
  /** Longest acceptable total time for one pattern over all adversarial inputs. */
  slowPatternMs?: number;
  /** Wall-clock budget for the whole timing run. */
  budgetMs?: number;
}

/**
 * Everything validateCustomRecognizersSync checks, plus the time-boxed ReDoS run: a pattern
 * taking longer than `slowPatternMs` (default 100 ms) on the 10 KB adversarial inputs, or not
 * finishing within the budget, is rejected.
 */
export async function validateCustomRecognizers(entries: unknown, opts: ValidateOptions = {}): Promise<CustomRecognizerError[]> {
  const errors = validateCustomRecognizersSync(entries);
  if (!Array.isArray(entries)) return errors;
  const bad = new Set(errors.map((e) => e.index));
  const candidates = entries
    .map((e, index) => ({ index, entry: e as CustomRecognizerConfig }))
    .filter(({ index }) => !bad.has(index));
  if (candidates.length === 0) return errors;
  const slow = opts.slowPatternMs ?? 100;
  const timings = await timePatterns(
    candidates.map((c) => c.entry.pattern),
    opts.budgetMs ?? Math.max(1000, slow * candidates.length * 2),
  );
  timings.forEach((t, i) => {
    const { index, entry } = candidates[i];
    if (t.ms === undefined || t.ms > slow) {
      const took = t.ms === undefined ? "did not finish" : `took ${Math.round(t.ms)} ms`;
      errors.push({
        index,
        name: entry.name,
        field: "pattern",
        message:
          `${describe(index, entry.name)}.pattern: catastrophic backtracking — ${took} on 10 KB adversarial inputs ` +
          `(limit ${slow} ms); avoid nested quantifiers like (a+)+ or overlapping alternatives like (a|ab)*`,
      });
    }
  });
  return errors.sort((a, b) => a.index - b.index);
}

function confidence(level: CustomRecognizerConfig["confidence_level"]): number {
  return typeof level === "number" ? level : CONFIDENCE_WORDS[level];
}

/** One PatternRecognizer per entry. Throws on an entry that fails validation. */
export function buildCustomRecognizers(entries: readonly CustomRecognizerConfig[]): PatternRecognizer[] {
  const errors = validateCustomRecognizersSync(entries);
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join("; "));
  return entries.map((entry) => {
    const t = translatePattern(entry.pattern);
    return new PatternRecognizer({
      name: `custom:${entry.name}`,
      entity: entry.entity_type.toUpperCase(),
      patterns: [{ name: entry.name, regex: t.source, score: confidence(entry.confidence_level), flags: t.flags }],
      context: entry.context,
    });
  });
}

/** One deny-list recognizer per entity type. */
export function buildDenyListRecognizers(denyList: Readonly<Record<string, readonly string[]>>): Recognizer[] {
  return Object.entries(denyList)
    .filter(([, words]) => words.length > 0)
    .map(([entity, words]) => denyListRecognizer(entity.toUpperCase(), words));
}
