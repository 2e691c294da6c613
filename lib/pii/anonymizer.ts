// The anonymizer: turns analyzer results into the text the provider sees, one action per entity
// type — in the manner of Presidio's AnonymizerEngine operators (replace, mask, hash, custom):
//
//   redact    → "<EMAIL_ADDRESS>" (or a fixed replacement)
//   mask      → "************1111" (Presidio's mask: masking_char, chars_to_mask, from_end)
//   hash      → "<EMAIL_ADDRESS:3f9a1c0e7b2d>" HMAC-SHA256 with a per-deployment key: stable
//               across requests and instances (joins in logs), not reversible, not guessable
//               without the key (a plain hash of a phone number is brute-forced in seconds)
//   tokenize  → "<PERSON_1>", reversible from the request's TokenMap (tokenizer-restore.ts)
//   block     → the caller rejects the request (piiBlockedError); the span is still redacted
//               so a caller that forgets to check forwards nothing
//   allow     → left as is, reported
//
// Reported items never carry an original value (they go to logs and incident records); only
// what now stands in the output.

import { createHmac } from "node:crypto";
import { InvalidRequestError } from "@/lib/errors";
import { TokenMap, placeholderType } from "./token-map";
import type { RecognizerResult } from "./types";

export type AnonymizeAction = "redact" | "mask" | "hash" | "tokenize" | "block" | "allow";

export interface MaskOperator {
  action: "mask";
  /** One character (Presidio: masking_char). Default "*". */
  maskingChar?: string;
  /**
   * How many characters (code points) to mask (Presidio: chars_to_mask); more than the value
   * has masks all of it. Default: all but the last min(4, ⌊length/4⌋), so a 16-digit card keeps
   * its last 4 and a short value keeps little or nothing.
   */
  charsToMask?: number;
  /** Mask from the end instead of the start (Presidio: from_end). Default false. */
  fromEnd?: boolean;
}

export type EntityOperator =
  | { action: "redact"; /** Instead of "<TYPE>". */ replacement?: string }
  | MaskOperator
  | { action: "hash" }
  | { action: "tokenize" }
  | { action: "block" }
  | { action: "allow" };

export interface AnonymizePolicy {
  /** Action per entity type. */
  entities: Readonly<Record<string, AnonymizeAction | EntityOperator>>;
  /** For types the policy does not list. Default "redact": unknown findings fail closed. */
  defaultAction?: AnonymizeAction | EntityOperator;
}

export interface AnonymizeOptions {
  /** HMAC key for `hash` (per deployment, from configuration). Required when hash is used. */
  hashKey?: string | Uint8Array;
  /** Hex characters of the HMAC in a hash token, 8–64. Default 12 (48 bits: no collisions in practice). */
  hashLength?: number;
  /** The request's placeholder map; pass the same one for every message of a request. */
  tokens?: TokenMap;
}

export interface AnonymizedItem {
  entityType: string;
  /** UTF-16 offsets in the output text, end exclusive. */
  start: number;
  end: number;
  action: AnonymizeAction;
  /** What now stands in the output; absent for `allow` (it would be the original value). */
  replacement?: string;
  score: number;
  recognizer: string;
}

export interface AnonymizeResult {
  text: string;
  /** In output order. */
  items: AnonymizedItem[];
  /** The placeholder map, when any span was tokenized (the one passed in, or a new one). */
  tokens?: TokenMap;
  /** Entity types whose policy is `block`, sorted, unique. Non-empty: reject the request. */
  blocked: string[];
}

function operatorOf(policy: AnonymizePolicy, entityType: string): EntityOperator {
  const op = policy.entities[entityType] ?? policy.defaultAction ?? "redact";
  return typeof op === "string" ? ({ action: op } as EntityOperator) : op;
}

interface Span {
  r: RecognizerResult;
  start: number;
  end: number;
  op: EntityOperator;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Widens a span that cuts a surrogate pair in half, so no lone surrogate reaches the output. */
function snap(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  if (s > 0 && isLowSurrogate(text.charCodeAt(s)) && isHighSurrogate(text.charCodeAt(s - 1))) s--;
  if (e < text.length && isLowSurrogate(text.charCodeAt(e)) && isHighSurrogate(text.charCodeAt(e - 1))) e++;
  return [s, e];
}

/**
 * The engine resolves overlaps already; this keeps the anonymizer safe on its own. A span
 * inside another: the outer one wins unless it is `allow` (a URL allowed by policy must not
 * carry its password through). Partial overlaps: the later span is trimmed to start where the
 * earlier ends (Presidio's anonymizer does the same), or the `allow` one gives way.
 */
function resolve(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Span[] = [];
  for (const cur of spans) {
    const last = kept[kept.length - 1];
    if (!last || cur.start >= last.end) {
      kept.push(cur);
      continue;
    }
    const lastAllows = last.op.action === "allow";
    if (cur.end <= last.end) {
      // Contained.
      if (lastAllows && cur.op.action !== "allow") {
        kept.pop();
        if (last.start < cur.start) kept.push({ ...last, end: cur.start });
        kept.push(cur);
        if (cur.end < last.end) kept.push({ ...last, start: cur.end });
      }
      continue;
    }
    if (lastAllows && cur.op.action !== "allow") {
      last.end = cur.start;
      if (last.end <= last.start) kept.pop();
      kept.push(cur);
    } else {
      kept.push({ ...cur, start: last.end });
    }
  }
  // Spans split around a contained one may now be out of order; a last pass guarantees order
  // and no overlap whatever the input.
  kept.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of kept) {
    const prev = out[out.length - 1];
    const start = prev ? Math.max(s.start, prev.end) : s.start;
    if (s.end > start) out.push(start === s.start ? s : { ...s, start });
  }
  return out;
}

function mask(value: string, op: MaskOperator): string {
  const ch = op.maskingChar ?? "*";
  if ([...ch].length !== 1) throw new RangeError("maskingChar must be exactly one character");
  const cps = [...value];
  const n = cps.length;
  const count = Math.min(n, Math.max(0, op.charsToMask ?? n - Math.min(4, Math.floor(n / 4))));
  if (op.fromEnd) return cps.slice(0, n - count).join("") + ch.repeat(count);
  return ch.repeat(count) + cps.slice(count).join("");
}

function hashToken(type: string, value: string, options: AnonymizeOptions): string {
  const key = options.hashKey;
  if (key === undefined || key.length === 0) {
    // Configuration error, not a request error: without a key the hash would be guessable.
    throw new Error("PII policy uses `hash` but no hash key is configured");
  }
  const len = options.hashLength ?? 12;
  if (!Number.isInteger(len) || len < 8 || len > 64) throw new RangeError("hashLength must be an integer in 8..64");
  // The type is part of the message, so one value found as two types gives two unrelated tokens.
  const mac = createHmac("sha256", key).update(`${type}\u0000${value}`).digest("hex");
  return `<${type}:${mac.slice(0, len)}>`;
}

/**
 * Applies the policy to `results` (analyzer output for `text`). Offsets are UTF-16, end
 * exclusive. Throws RangeError on a result outside the text: the caller must fail closed.
 */
export function anonymize(
  text: string,
  results: readonly RecognizerResult[],
  policy: AnonymizePolicy,
  options: AnonymizeOptions = {},
): AnonymizeResult {
  const blocked = new Set<string>();
  const spans: Span[] = [];
  for (const r of results) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end > text.length || r.start >= r.end) {
      throw new RangeError(`PII result out of range: ${r.entityType} [${r.start}, ${r.end}) in ${text.length} characters`);
    }
    const op = operatorOf(policy, r.entityType);
    // Counted before overlap resolution: a blocked span inside a redacted one still blocks.
    if (op.action === "block") blocked.add(r.entityType);
    const [start, end] = snap(text, r.start, r.end);
    spans.push({ r, start, end, op });
  }

  let tokens = options.tokens;
  let lower: string | undefined;
  const taken = (placeholder: string) => (lower ??= text.toLowerCase()).includes(placeholder.toLowerCase());

  const parts: string[] = [];
  const items: AnonymizedItem[] = [];
  let pos = 0;
  let outLen = 0;
  for (const s of resolve(spans)) {
    const before = text.slice(pos, s.start);
    parts.push(before);
    outLen += before.length;
    const value = text.slice(s.start, s.end);
    const type = placeholderType(s.r.entityType);
    let replacement: string | undefined;
    switch (s.op.action) {
      case "redact":
        replacement = s.op.replacement ?? `<${type}>`;
        break;
      case "block":
        replacement = `<${type}>`;
        break;
      case "mask":
        replacement = mask(value, s.op);
        break;
      case "hash":
        replacement = hashToken(type, value, options);
        break;
      case "tokenize":
        tokens ??= new TokenMap();
        replacement = tokens.placeholderFor(s.r.entityType, value, taken);
        break;
      case "allow":
        replacement = undefined;
        break;
    }
    const out = replacement ?? value;
    parts.push(out);
    const item: AnonymizedItem = {
      entityType: s.r.entityType,
      start: outLen,
      end: outLen + out.length,
      action: s.op.action,
      score: s.r.score,
      recognizer: s.r.recognizer,
    };
    if (replacement !== undefined) item.replacement = replacement;
    items.push(item);
    outLen += out.length;
    pos = s.end;
  }
  parts.push(text.slice(pos));

  const res: AnonymizeResult = { text: parts.join(""), items, blocked: [...blocked].sort() };
  if (tokens) res.tokens = tokens;
  return res;
}

/** Entity types a set of items was blocked for (sorted, unique). */
export function blockedEntityTypes(items: readonly Pick<AnonymizedItem, "entityType" | "action">[]): string[] {
  return [...new Set(items.filter((i) => i.action === "block").map((i) => i.entityType))].sort();
}

/** The client-facing reason for a block: entity types and counts, never values. */
export function piiBlockMessage(entityTypes: readonly string[], counts?: Readonly<Record<string, number>>): string {
  const list = [...new Set(entityTypes)]
    .sort()
    .map((t) => (counts?.[t] && counts[t] > 1 ? `${t} (${counts[t]})` : t))
    .join(", ");
  return `Request blocked by the PII policy: it contains ${list}. Remove these from the messages and retry.`;
}

/** The 400 a blocked request ends with (OpenAI error shape via lib/errors). */
export function piiBlockedError(entityTypes: readonly string[], counts?: Readonly<Record<string, number>>): InvalidRequestError {
  return new InvalidRequestError(piiBlockMessage(entityTypes, counts), { code: "pii_blocked", param: "messages" });
}
