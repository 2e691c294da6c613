// Longest-match lookup of multi-word phrases ("new zealand", "abu dhabi") over word tokens, keyed
// by the first word so a text costs one map lookup per token.
import type { Token } from "./tokenize";

export interface PhraseHit<K> {
  kind: K;
  /** Number of tokens the phrase covers (connecting hyphens are tokens of their own). */
  length: number;
  /** Free per-entry number, e.g. a city's population. */
  weight: number;
}

interface Entry<K> {
  words: string[];
  kind: K;
  weight: number;
}

const SPLIT_RE = /[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*|\d+|[^\s\p{L}\p{M}\d]/gu;

export function phraseWords(phrase: string): string[] {
  return phrase.toLowerCase().match(SPLIT_RE) ?? [];
}

const NO_HITS: readonly never[] = [];

export class PhraseIndex<K> {
  // One-word phrases (most of the 135k towns) need no word array: a map of small records keeps
  // the heap and the garbage collector's work down.
  private readonly singles = new Map<string, Array<{ kind: K; weight: number }>>();
  private readonly byFirst = new Map<string, Entry<K>[]>();

  add(phrase: string, kind: K, weight = 0): void {
    const words = phraseWords(phrase);
    if (words.length === 0) return;
    if (words.length === 1) {
      const list = this.singles.get(words[0]);
      const same = list?.find((e) => e.kind === kind);
      if (same) same.weight = Math.max(same.weight, weight);
      else if (list) list.push({ kind, weight });
      else this.singles.set(words[0], [{ kind, weight }]);
      return;
    }
    const list = this.byFirst.get(words[0]);
    const entry = { words, kind, weight };
    if (!list) {
      this.byFirst.set(words[0], [entry]);
      return;
    }
    // Same phrase twice (a city in several countries): keep the larger weight.
    const same = list.find((e) => e.kind === kind && e.words.length === words.length && e.words.every((w, i) => w === words[i]));
    if (same) same.weight = Math.max(same.weight, weight);
    else list.push(entry);
  }

  /** Every phrase that starts at token i, longest first. */
  matchAt(tokens: readonly Token[], i: number): readonly PhraseHit<K>[] {
    const key = tokens[i].lower;
    const list = this.byFirst.get(key);
    const single = this.singles.get(key);
    if (!list && !single) return NO_HITS;
    const hits: PhraseHit<K>[] = [];
    if (list) {
      for (const e of list) {
        if (i + e.words.length > tokens.length) continue;
        let ok = true;
        for (let k = 1; k < e.words.length; k++) {
          const t = tokens[i + k];
          // Phrases never run across a line break: "Springfield\nIllinois" is two places.
          if (t.lower !== e.words[k] || t.newlineBefore) {
            ok = false;
            break;
          }
        }
        if (ok) hits.push({ kind: e.kind, length: e.words.length, weight: e.weight });
      }
      hits.sort((a, b) => b.length - a.length);
    }
    for (const e of single ?? []) hits.push({ kind: e.kind, length: 1, weight: e.weight });
    return hits;
  }

  has(phrase: string): boolean {
    const words = phraseWords(phrase);
    if (words.length === 1) return this.singles.has(words[0]);
    return (this.byFirst.get(words[0]) ?? []).some((e) => e.words.length === words.length && e.words.every((w, i) => w === words[i]));
  }
}
