// Presidio's PatternRecognizer in TypeScript: named regexes with a base score, an optional
// validator (checksum) and invalidator, context words for the engine, and Presidio's per-
// recognizer de-duplication. Regexes are compiled once per recognizer, never per call.
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "./types";

export interface PatternSpec {
  name: string;
  /** JavaScript regex source (or a RegExp whose source and flags are used). */
  regex: string | RegExp;
  /** 0..1, the score of an unvalidated match. */
  score: number;
  /** Overrides the recognizer's flags for this pattern (without "g"/"y"). */
  flags?: string;
}

/** true: certain (score 1.0); false: not this entity (dropped); undefined: keep the pattern score. */
export type Validator = (matchText: string) => boolean | undefined;

export interface PatternRecognizerOptions {
  name: string;
  entity: string;
  patterns: readonly PatternSpec[];
  context?: readonly string[];
  /** Presidio's validate_result: true → score 1.0, false → dropped, undefined → unchanged. */
  validate?: Validator;
  /** Presidio's invalidate_result: true → dropped. */
  invalidate?: (matchText: string) => boolean;
  /**
   * Regex flags for every pattern. Presidio compiles with DOTALL | MULTILINE | IGNORECASE, so
   * "[A-Z]" also matches lower case in its patterns; "ims" keeps that behaviour.
   */
  flags?: string;
  /**
   * A cheap test run once per text: when it fails, no pattern can match and the recognizer is
   * skipped (e.g. no "@" → no e-mail). Must never be stricter than the patterns.
   */
  prefilter?: RegExp;
  /**
   * Ends to try for one match, best first, when the full match fails validation. Presidio's
   * IBAN recognizer does this with capture groups ("DE89… 2 days" → drop the trailing " 2").
   * Default: only the match's own end.
   */
  candidateEnds?: (match: RegExpExecArray) => readonly number[];
}

export interface CompiledPattern {
  readonly name: string;
  readonly score: number;
  readonly regex: RegExp;
}

export const MAX_SCORE = 1;
export const MIN_SCORE = 0;

/** Compiles a pattern with the global flag added (finditer semantics). */
export function compilePattern(spec: PatternSpec, defaultFlags: string): CompiledPattern {
  const source = typeof spec.regex === "string" ? spec.regex : spec.regex.source;
  const base = spec.flags ?? (typeof spec.regex === "string" ? defaultFlags : spec.regex.flags);
  const flags = Array.from(new Set((base.replace(/[gy]/g, "") + "g").split(""))).join("");
  return { name: spec.name, score: spec.score, regex: new RegExp(source, flags) };
}

/**
 * Presidio's EntityRecognizer.remove_duplicates: sorted by score (desc), start, length (desc),
 * a result contained in (or equal to) an already kept result of the same entity is dropped.
 */
export function removeDuplicates(results: RecognizerResult[]): RecognizerResult[] {
  const sorted = results
    .filter((r) => r.score > MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: RecognizerResult[] = [];
  for (const r of sorted) {
    const contained = kept.some((k) => k.entityType === r.entityType && r.start >= k.start && r.end <= k.end);
    if (!contained) kept.push(r);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

export class PatternRecognizer implements Recognizer {
  readonly name: string;
  readonly supportedEntities: readonly string[];
  readonly context?: readonly string[];
  readonly patterns: readonly CompiledPattern[];
  private readonly entity: string;
  private readonly validateFn?: Validator;
  private readonly invalidateFn?: (matchText: string) => boolean;
  private readonly prefilter?: RegExp;
  private readonly candidateEnds?: (match: RegExpExecArray) => readonly number[];

  constructor(opts: PatternRecognizerOptions) {
    if (!opts.entity) throw new Error(`Recognizer ${opts.name}: an entity type is required`);
    if (opts.patterns.length === 0) throw new Error(`Recognizer ${opts.name}: at least one pattern is required`);
    this.name = opts.name;
    this.entity = opts.entity;
    this.supportedEntities = [opts.entity];
    this.context = opts.context;
    const flags = opts.flags ?? "ims";
    this.patterns = opts.patterns.map((p) => compilePattern(p, flags));
    this.validateFn = opts.validate;
    this.invalidateFn = opts.invalidate;
    this.prefilter = opts.prefilter ? new RegExp(opts.prefilter.source, opts.prefilter.flags.replace(/[gy]/g, "")) : undefined;
    this.candidateEnds = opts.candidateEnds;
  }

  analyze(req: AnalyzeRequest): RecognizerResult[] {
    if (!req.entities.has(this.entity)) return [];
    return this.analyzeText(req.text);
  }

  /** Runs the patterns on `text` regardless of the requested entities (tests, tools). */
  analyzeText(text: string): RecognizerResult[] {
    if (text.length === 0) return [];
    if (this.prefilter && !this.prefilter.test(text)) return [];
    const results: RecognizerResult[] = [];
    for (const pattern of this.patterns) {
      const re = pattern.regex;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const start = m.index;
        const fullEnd = start + m[0].length;
        // Skip empty matches (Presidio does too) and step past them so the loop advances.
        if (fullEnd === start) {
          re.lastIndex = start + 1;
          continue;
        }
        const ends = this.candidateEnds ? this.candidateEnds(m) : [fullEnd];
        for (const end of ends) {
          if (end <= start) continue;
          const score = this.score(text.slice(start, end), pattern.score);
          if (score > MIN_SCORE) {
            results.push({ entityType: this.entity, start, end, score, recognizer: this.name });
            break;
          }
        }
      }
    }
    return removeDuplicates(results);
  }

  private score(matchText: string, base: number): number {
    let score = base;
    if (this.validateFn) {
      const v = this.validateFn(matchText);
      if (v === true) score = MAX_SCORE;
      else if (v === false) score = MIN_SCORE;
    }
    if (score > MIN_SCORE && this.invalidateFn?.(matchText)) score = MIN_SCORE;
    return score;
  }
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegex(s: string): string {
  // No "-" here: outside a class it is literal, and "\\-" is a syntax error under the "u" flag.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Presidio's deny list: a PatternRecognizer whose one pattern matches any listed word, score
 * 1.0. Presidio surrounds the alternation with `(?:^|(?<=\W))…(?:(?=\W)|$)` — whole words,
 * case-insensitive under its default flags; we do the same (longest alternatives first, so
 * "Acme Corp" wins over "Acme").
 */
export function denyListRecognizer(entity: string, words: readonly string[], name?: string): PatternRecognizer {
  const cleaned = Array.from(new Set(words.map((w) => w.trim()).filter((w) => w.length > 0)));
  if (cleaned.length === 0) throw new Error(`Deny list for ${entity} is empty`);
  cleaned.sort((a, b) => b.length - a.length);
  const alternation = cleaned.map(escapeRegex).join("|");
  return new PatternRecognizer({
    name: name ?? `deny-list:${entity}`,
    entity,
    patterns: [{ name: "deny_list", regex: `(?:^|(?<=[^\\p{L}\\p{N}_]))(?:${alternation})(?=[^\\p{L}\\p{N}_]|$)`, score: 1, flags: "iu" }],
  });
}
