// The gateway's PII scan: one analyzer per configuration (built once, reused by every request),
// applied to every text slot of a request, with the configured action per entity type.
import "server-only";
import type { HelixSettings } from "@/lib/config/schema";
import { anonymize, type AnonymizePolicy, type AnonymizeResult, type EntityOperator } from "./anonymizer";
import { buildCustomRecognizers, buildDenyListRecognizers } from "./custom";
import { createAnalyzer, type Analyzer } from "./engine";
import { defaultRecognizers } from "./recognizers";
import { createNlpRecognizer } from "./recognizers/nlp/nlp-recognizer";
import { SECRET_ENTITY_TYPES, secretRecognizers } from "./recognizers/secrets";
import type { TextSlot } from "./request-text";
import { TokenMap } from "./token-map";
import type { RecognizerResult } from "./types";

export type PiiSettings = HelixSettings["pii_protection"];

/** One detection group, for the audit trail: never the value. */
export interface PiiFinding {
  location: string;
  entityType: string;
  count: number;
  action: string;
  recognizer: string;
  score: number;
}

export interface ScanResult {
  findings: PiiFinding[];
  /** Entity types whose action is `block` (non-empty: reject the request). */
  blocked: string[];
  /** Placeholders to restore in the answer, when anything was tokenized. */
  tokens?: TokenMap;
}

interface Prepared {
  analyzer: Analyzer;
  entities: string[];
  policy: AnonymizePolicy;
}

const prepared = new WeakMap<PiiSettings, Prepared>();

function prepare(cfg: PiiSettings): Prepared {
  let p = prepared.get(cfg);
  if (p) return p;
  const analyzer = createAnalyzer([
    ...defaultRecognizers(),
    ...(cfg.secrets ? secretRecognizers : []),
    createNlpRecognizer(),
    ...buildCustomRecognizers(cfg.custom_recognizers),
    ...buildDenyListRecognizers(cfg.deny_list),
  ]);
  const entities = [
    ...new Set([
      ...cfg.entities,
      ...(cfg.secrets ? SECRET_ENTITY_TYPES : []),
      // What users add explicitly is wanted even when `entities` does not list it.
      ...cfg.custom_recognizers.map((c) => c.entity_type.toUpperCase()),
      ...Object.keys(cfg.deny_list).map((e) => e.toUpperCase()),
    ]),
  ];
  const mask: EntityOperator = {
    action: "mask",
    maskingChar: cfg.mask.masking_char,
    ...(cfg.mask.chars_to_mask > 0 ? { charsToMask: cfg.mask.chars_to_mask } : {}),
    fromEnd: cfg.mask.from_end,
  };
  const op = (a: string): EntityOperator => (a === "mask" ? mask : ({ action: a } as EntityOperator));
  const policy: AnonymizePolicy = {
    entities: Object.fromEntries(Object.entries(cfg.entity_actions).map(([e, a]) => [e, op(a)])),
    defaultAction: op(cfg.action),
  };
  p = { analyzer, entities, policy };
  prepared.set(cfg, p);
  return p;
}

/** Analysis and anonymization kept apart, for the answer scanner (it cuts a stream into parts). */
export interface TextScanner {
  analyze(text: string): RecognizerResult[];
  apply(text: string, results: readonly RecognizerResult[]): AnonymizeResult;
}

const outputPolicies = new WeakMap<PiiSettings, AnonymizePolicy>();

/**
 * The policy applied to the model's answer: the same analyzer and actions, except that
 * `tokenize` and `block` redact (a new placeholder could never be restored by the client, and an
 * answer already paid for is cleaned rather than thrown away).
 */
export function outputTextScanner(cfg: PiiSettings, hashKey: string): TextScanner {
  const { analyzer, entities, policy } = prepare(cfg);
  let out = outputPolicies.get(cfg);
  if (!out) {
    const onOutput = (op: AnonymizePolicy["defaultAction"]): AnonymizePolicy["defaultAction"] => {
      const action = typeof op === "string" ? op : op?.action;
      return action === "tokenize" || action === "block" ? { action: "redact" } : op;
    };
    out = {
      entities: Object.fromEntries(Object.entries(policy.entities).map(([e, op]) => [e, onOutput(op)!])),
      defaultAction: onOutput(policy.defaultAction),
    };
    outputPolicies.set(cfg, out);
  }
  const pol = out;
  return {
    analyze: (text) => (text === "" ? [] : analyzer.analyze(text, { entities, scoreThreshold: cfg.score_threshold, allowList: cfg.allow_list })),
    apply: (text, results) => anonymize(text, results, pol, { hashKey }),
  };
}

/** Builds the analyzer now (start-up), so the first request does not pay for it. */
export function warmScanner(cfg: PiiSettings): void {
  if (cfg.enabled) prepare(cfg);
}

/**
 * Scans and rewrites every slot in place (they write into the request copy they came from).
 * Throws on any scanner fault: the caller blocks the request (fail closed).
 */
export function scanSlots(slots: readonly TextSlot[], cfg: PiiSettings, hashKey: string): ScanResult {
  const { analyzer, entities, policy } = prepare(cfg);
  let tokens: TokenMap | undefined;
  const blocked = new Set<string>();
  const groups = new Map<string, PiiFinding>();
  for (const slot of slots) {
    if (slot.text === "") continue;
    const results = analyzer.analyze(slot.text, { entities, scoreThreshold: cfg.score_threshold, allowList: cfg.allow_list });
    if (results.length === 0) continue;
    const out = anonymize(slot.text, results, policy, { hashKey, tokens });
    tokens = out.tokens ?? tokens;
    for (const t of out.blocked) blocked.add(t);
    for (const item of out.items) {
      const key = `${slot.location}\u0000${item.entityType}`;
      const g = groups.get(key);
      if (g) {
        g.count++;
        if (item.score > g.score) {
          g.score = item.score;
          g.recognizer = item.recognizer;
        }
      } else {
        groups.set(key, { location: slot.location, entityType: item.entityType, count: 1, action: item.action, recognizer: item.recognizer, score: item.score });
      }
    }
    slot.set(out.text);
  }
  return { findings: [...groups.values()], blocked: [...blocked].sort(), ...(tokens ? { tokens } : {}) };
}

/** One detection in a preview: spans into the text given (it is the admin's own text). */
export interface PiiPreviewFinding {
  entityType: string;
  start: number;
  end: number;
  score: number;
  recognizer: string;
  action: string;
}

export interface PiiPreview {
  /** The text as the provider would receive it (for blocked types: what a request would not send at all). */
  text: string;
  findings: PiiPreviewFinding[];
  blocked: string[];
}

/** What the policy finds in one text and what it turns it into (the admin's "test this text"). */
export function previewPii(text: string, cfg: PiiSettings, hashKey: string): PiiPreview {
  const { analyzer, entities, policy } = prepare(cfg);
  const results = text === "" ? [] : analyzer.analyze(text, { entities, scoreThreshold: cfg.score_threshold, allowList: cfg.allow_list });
  const out = anonymize(text, results, policy, { hashKey });
  const actionOf = (t: string): string => {
    const op = (Object.hasOwn(policy.entities, t) ? policy.entities[t] : undefined) ?? policy.defaultAction ?? "redact";
    return typeof op === "string" ? op : op.action;
  };
  return {
    text: out.text,
    findings: [...results]
      .sort((a, b) => a.start - b.start)
      .map((r) => ({ entityType: r.entityType, start: r.start, end: r.end, score: r.score, recognizer: r.recognizer, action: actionOf(r.entityType) })),
    blocked: out.blocked,
  };
}
