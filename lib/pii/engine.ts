// The analyzer: runs recognizers, raises scores with context words, applies the threshold and
// the allow list, then resolves overlaps — in the manner of Presidio's AnalyzerEngine.
import {
  DEFAULT_CONTEXT_SETTINGS,
  boostedScore,
  compileContext,
  findSupportiveContext,
  type CompiledContext,
  type ContextSettings,
} from "./context";
import type { AnalyzerOptions, Recognizer, RecognizerResult } from "./types";

export interface AnalyzerConfig {
  /** Context window and score update (Presidio's LemmaContextAwareEnhancer defaults). */
  context?: Partial<ContextSettings>;
  /**
   * Two spans of different types that overlap without one containing the other: the higher
   * score keeps its whole span. "trim" (default) keeps the rest of the lower one, so no
   * character of a detected value escapes redaction; "drop" removes the lower one entirely.
   */
  partialOverlap?: "trim" | "drop";
}

export interface Analyzer {
  readonly recognizers: readonly Recognizer[];
  /** Every entity type some recognizer can report. */
  readonly supportedEntities: readonly string[];
  /** Results sorted by start, non-overlapping. */
  analyze(text: string, options: AnalyzerOptions): RecognizerResult[];
}

interface Entry {
  recognizer: Recognizer;
  context?: CompiledContext;
  order: number;
}

interface Candidate extends RecognizerResult {
  order: number;
}

export function createAnalyzer(recognizers: readonly Recognizer[], config: AnalyzerConfig = {}): Analyzer {
  const settings: ContextSettings = { ...DEFAULT_CONTEXT_SETTINGS, ...config.context };
  const partial = config.partialOverlap ?? "trim";
  const entries: Entry[] = recognizers.map((recognizer, order) => ({
    recognizer,
    context: compileContext(recognizer.context),
    order,
  }));
  const supportedEntities = Array.from(new Set(recognizers.flatMap((r) => r.supportedEntities))).sort();

  return {
    recognizers,
    supportedEntities,
    analyze(text, options) {
      if (text.length === 0 || options.entities.length === 0) return [];
      const entities = new Set(options.entities);
      const threshold = options.scoreThreshold ?? 0;
      const allow = options.allowList && options.allowList.length > 0 ? new Set(options.allowList.map((s) => s.toLowerCase())) : undefined;

      const candidates: Candidate[] = [];
      for (const entry of entries) {
        if (!entry.recognizer.supportedEntities.some((e) => entities.has(e))) continue;
        const found = entry.recognizer.analyze({ text, entities });
        for (const r of found) {
          if (!entities.has(r.entityType)) continue;
          let { score } = r;
          let contextBoosted = r.contextBoosted;
          // Presidio skips results a recognizer already enhanced itself, and 1.0 cannot rise.
          if (entry.context && !contextBoosted && score < 1 && findSupportiveContext(text, r.start, r.end, entry.context, settings)) {
            score = boostedScore(score, settings);
            contextBoosted = true;
          }
          if (score < threshold || score <= 0) continue;
          if (allow && allow.has(text.slice(r.start, r.end).toLowerCase())) continue;
          candidates.push({ ...r, score, ...(contextBoosted ? { contextBoosted } : {}), order: entry.order });
        }
      }
      return resolveOverlaps(candidates, partial).map(stripOrder);
    },
  };
}

function stripOrder(c: Candidate): RecognizerResult {
  const r: RecognizerResult = { entityType: c.entityType, start: c.start, end: c.end, score: c.score, recognizer: c.recognizer };
  if (c.contextBoosted) r.contextBoosted = true;
  return r;
}

/**
 * Overlap rules, applied until nothing changes:
 * - identical spans: the higher score wins (tie: the recognizer listed first);
 * - a span inside a longer one: the longer wins, whatever the types and scores (Presidio drops
 *   contained results; it also lets the longer span carry the redaction of the shorter);
 * - partial overlap, same type: merged into one span with the higher score (Presidio's
 *   anonymizer merges these);
 * - partial overlap, different types: the higher score keeps its span (tie: the earlier span);
 *   the other is trimmed to what lies outside it, or dropped when partialOverlap is "drop".
 */
export function resolveOverlaps<T extends RecognizerResult & { order: number }>(input: readonly T[], partial: "trim" | "drop" = "trim"): T[] {
  let items = input.map((r) => ({ ...r }));
  for (let pass = 0; pass < 8; pass++) {
    items.sort((a, b) => a.start - b.start || b.end - a.end || b.score - a.score || a.order - b.order);
    const kept: T[] = [];
    let changed = false;
    for (const cur of items) {
      const last = kept[kept.length - 1];
      if (!last || cur.start >= last.end) {
        kept.push(cur);
        continue;
      }
      changed = true;
      if (cur.end <= last.end) continue; // identical or contained: the earlier (longer/higher) stays
      if (cur.entityType === last.entityType) {
        last.end = cur.end;
        if (cur.score > last.score) last.score = cur.score;
        if (cur.contextBoosted) last.contextBoosted = true;
        continue;
      }
      if (cur.score > last.score) {
        // cur wins: last keeps only its part before cur (non-empty: last.start < cur.start).
        if (partial === "drop") kept.pop();
        else last.end = cur.start;
        kept.push(cur);
      } else if (partial === "trim") {
        cur.start = last.end;
        kept.push(cur);
      }
    }
    items = kept;
    if (!changed) break;
  }
  return items.sort((a, b) => a.start - b.start || a.end - b.end);
}
