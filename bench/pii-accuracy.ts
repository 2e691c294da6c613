// `npm run bench:pii-accuracy`: span-level precision / recall / F2 of the PII engine on
// Presidio's own synthetic evaluation set (../shared/data/pii/presidio_synth_dataset_v2.json,
// 1,500 texts), side by side with Presidio's published figures for its default setup (spaCy
// en_core_web_lg, threshold 0.4; docs/benchmarks.md and DESIGN.md quote them).
//
//   npm run bench:pii-accuracy                      # all pattern + secrets + NLP recognizers
//   npm run bench:pii-accuracy -- --nlp compromise  # NLP entities from compromise's own tagger instead
//   npm run bench:pii-accuracy -- --nlp none        # pattern recognizers only
//   npm run bench:pii-accuracy -- --errors 10 --show-values   # error patterns with example values (local use only)
//
// How it counts, following presidio-research (PresidioAnalyzerWrapper + SpanEvaluator):
// - Dataset labels map to Presidio entities as presidio-research's `presidio_entities_map` does:
//   PERSON/FIRST_NAME/LAST_NAME → PERSON; STREET_ADDRESS/GPE/LOCATION/CITY/ADDRESS → LOCATION;
//   DATE_TIME/DATE/TIME/BIRTHDAY → DATE_TIME; NRP/NORP/NATIONALITY → NRP; DOMAIN_NAME/URL → URL;
//   the rest keep their name. ORGANIZATION, TITLE, AGE and ZIP_CODE are not detected by Presidio's
//   default analyzer and are not in its published table: they are left out of the evaluated set
//   (treated as "O"), and ORGANIZATION is reported on a separate line for information.
// - Like presidio-research's IO tagging, adjacent spans of one type separated only by spaces or
//   punctuation are one span ("450 Crown St" + ", " + "Kenosha" is one LOCATION), in the labels
//   and in the predictions alike.
// - Span match: character IoU between a labelled span and the same-type predictions overlapping
//   it (several predictions may together cover one label, added while they raise the IoU), after
//   trimming whitespace and punctuation at span edges. A label is found when IoU >= 0.5 (the
//   primary figure; presidio-research's span_based_approach uses 0.5 as its default overlap
//   threshold) — the "any overlap" columns count every overlap. Precision counts a prediction as
//   correct when it took part in a match.
// - Per entity the types must agree; "overall" is type-agnostic, as presidio-research's PII
//   precision/recall are (a street address reported as PERSON still protects it).
// - F2 (beta = 2): recall weighs four times precision, Presidio's choice for PII.
// - Splits: "held-out" is the samples whose template_id is odd. Rules were tuned reading only the
//   errors of even-template samples (--show-values prints examples from that split only), so
//   held-out errors were never inspected.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import nlp from "compromise";
import { createAnalyzer } from "../lib/pii/engine";
import { defaultRecognizers } from "../lib/pii/recognizers/index";
import { createNlpRecognizer, findNlpEntities, warmUpNlp } from "../lib/pii/recognizers/nlp/nlp-recognizer";
import { secretRecognizers } from "../lib/pii/recognizers/secrets/index";
import type { Recognizer, RecognizerResult } from "../lib/pii/types";

const { values: args } = parseArgs({
  options: {
    nlp: { type: "string", default: "rules" },
    threshold: { type: "string", default: "0.4" },
    errors: { type: "string", default: "5" },
    "show-values": { type: "boolean", default: false },
    data: { type: "string", default: path.resolve(import.meta.dirname, "../../shared/data/pii/presidio_synth_dataset_v2.json") },
  },
});
const THRESHOLD = Number(args.threshold);
const ERRORS = Number(args.errors);

interface Sample {
  full_text: string;
  spans: Array<{ entity_type: string; entity_value: string; start_position: number; end_position: number }>;
  template_id: number;
}

/** presidio-research's presidio_entities_map, restricted to the labels this dataset uses. */
const LABEL_MAP: Readonly<Record<string, string>> = {
  PERSON: "PERSON",
  FIRST_NAME: "PERSON",
  LAST_NAME: "PERSON",
  STREET_ADDRESS: "LOCATION",
  GPE: "LOCATION",
  LOCATION: "LOCATION",
  CITY: "LOCATION",
  ADDRESS: "LOCATION",
  DATE_TIME: "DATE_TIME",
  DATE: "DATE_TIME",
  TIME: "DATE_TIME",
  BIRTHDAY: "DATE_TIME",
  NRP: "NRP",
  NORP: "NRP",
  NATIONALITY: "NRP",
  DOMAIN_NAME: "URL",
  URL: "URL",
  PHONE_NUMBER: "PHONE_NUMBER",
  CREDIT_CARD: "CREDIT_CARD",
  EMAIL_ADDRESS: "EMAIL_ADDRESS",
  IBAN_CODE: "IBAN_CODE",
  IP_ADDRESS: "IP_ADDRESS",
  US_SSN: "US_SSN",
  US_DRIVER_LICENSE: "US_DRIVER_LICENSE",
  ORGANIZATION: "ORGANIZATION",
};
const EVALUATED = ["PERSON", "LOCATION", "NRP", "DATE_TIME", "PHONE_NUMBER", "CREDIT_CARD", "EMAIL_ADDRESS", "IBAN_CODE", "IP_ADDRESS", "US_SSN", "US_DRIVER_LICENSE", "URL"];
const EXTRA = ["ORGANIZATION"];
/** Presidio default (spaCy en_core_web_lg, threshold 0.4), span level: precision, recall, F2. */
const PRESIDIO: Readonly<Record<string, [number, number, number]>> = {
  OVERALL: [0.685, 0.603, 0.618],
  CREDIT_CARD: [1.0, 0.772, 0.809],
  US_SSN: [1.0, 1.0, 1.0],
  EMAIL_ADDRESS: [1.0, 1.0, 1.0],
  IBAN_CODE: [1.0, 1.0, 1.0],
  URL: [1.0, 1.0, 1.0],
  IP_ADDRESS: [1.0, 0.929, 0.942],
  US_DRIVER_LICENSE: [1.0, 0.8, 0.833],
  PERSON: [0.567, 0.653, 0.634],
  NRP: [0.552, 0.582, 0.576],
  DATE_TIME: [0.258, 0.807, 0.566],
  PHONE_NUMBER: [0.41, 0.25, 0.271],
  LOCATION: [0.351, 0.208, 0.227],
};

interface Span {
  type: string;
  start: number;
  end: number;
  /** Original dataset label (gold) or recognizer/rule (prediction), for error analysis. */
  origin: string;
}

// ---------------------------------------------------------------- NLP alternatives (--nlp)

/** compromise's own tagger (.people(), .places(), .organizations(), #Demonym), for comparison. */
function compromiseRecognizer(): Recognizer {
  type Offset = { offset: { start: number; length: number } };
  const spans = (json: unknown): Offset[] => json as Offset[];
  return {
    name: "CompromiseRecognizer",
    supportedEntities: ["PERSON", "LOCATION", "NRP", "ORGANIZATION"],
    analyze({ text, entities }) {
      const doc = nlp(text);
      const out: RecognizerResult[] = [];
      const add = (type: string, list: Offset[]) => {
        if (!entities.has(type)) return;
        for (const s of list) out.push({ entityType: type, start: s.offset.start, end: s.offset.start + s.offset.length, score: 0.85, recognizer: "CompromiseRecognizer" });
      };
      add("PERSON", spans(doc.people().json({ offset: true })));
      add("LOCATION", spans(doc.places().json({ offset: true })));
      add("ORGANIZATION", spans(doc.organizations().json({ offset: true })));
      add("NRP", spans(doc.match("#Demonym").json({ offset: true })));
      return out;
    },
  };
}

// ---------------------------------------------------------------- spans and matching

const EDGE = /[\s.,;:!?'"()\[\]{}<>\-–—*#]/;

function trim(text: string, s: Span): Span {
  let { start, end } = s;
  while (start < end && EDGE.test(text[start])) start++;
  while (end > start && EDGE.test(text[end - 1])) end--;
  return { ...s, start, end };
}

/** Adjacent same-type spans separated by nothing but spaces/punctuation become one. */
function merge(text: string, spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last.type === s.type && (s.start <= last.end || /^[\s.,;:!?'"()\-–—]*$/.test(text.slice(last.end, s.start)))) {
      last.end = Math.max(last.end, s.end);
      if (!last.origin.includes(s.origin)) last.origin = `${last.origin}+${s.origin}`;
      continue;
    }
    out.push({ ...s });
  }
  return out.map((s) => trim(text, s)).filter((s) => s.end > s.start);
}

function iouOf(gold: Span, preds: Span[]): number {
  if (preds.length === 0) return 0;
  // Union of the predictions (they do not overlap each other after merge) against the gold span.
  let inter = 0;
  let predLen = 0;
  let lo = gold.start;
  let hi = gold.end;
  for (const p of preds) {
    inter += Math.max(0, Math.min(gold.end, p.end) - Math.max(gold.start, p.start));
    predLen += p.end - p.start;
    lo = Math.min(lo, p.start);
    hi = Math.max(hi, p.end);
  }
  const union = gold.end - gold.start + predLen - inter;
  return union > 0 ? inter / union : 0;
}

interface Match {
  goldFound: boolean[];
  predUsed: boolean[];
  goldIou: number[];
}

function match(golds: Span[], preds: Span[], sameType: boolean, minIou: number): Match {
  const predUsed = preds.map(() => false);
  const goldFound = golds.map(() => false);
  const goldIou = golds.map(() => 0);
  golds.forEach((g, gi) => {
    const overlapping = preds
      .map((p, pi) => ({ p, pi }))
      .filter(({ p, pi }) => !predUsed[pi] && (!sameType || p.type === g.type) && p.start < g.end && g.start < p.end)
      .sort((a, b) => a.p.start - b.p.start);
    const chosen: typeof overlapping = [];
    let best = 0;
    for (const c of overlapping) {
      const iou = iouOf(g, [...chosen, c].map((x) => x.p));
      if (iou > best) {
        best = iou;
        chosen.push(c);
      }
    }
    goldIou[gi] = best;
    if (best > 0 && best >= minIou) {
      goldFound[gi] = true;
      for (const c of chosen) predUsed[c.pi] = true;
    }
  });
  return { goldFound, predUsed, goldIou };
}

// ---------------------------------------------------------------- evaluation

interface Counts {
  gold: number;
  found: number;
  pred: number;
  predOk: number;
}

const newCounts = (): Counts => ({ gold: 0, found: 0, pred: 0, predOk: 0 });

interface SampleResult {
  index: number;
  sample: Sample;
  gold: Span[];
  pred: Span[];
  ms: number;
}

function prf(c: Counts): [number, number, number] {
  const p = c.pred > 0 ? c.predOk / c.pred : c.gold === 0 ? 1 : 0;
  const r = c.gold > 0 ? c.found / c.gold : 1;
  const f2 = p + r > 0 ? (5 * p * r) / (4 * p + r) : 0;
  return [p, r, f2];
}

function score(results: SampleResult[], minIou: number, types: readonly string[]): Map<string, Counts> {
  const byType = new Map<string, Counts>([["OVERALL", newCounts()], ...types.map((t) => [t, newCounts()] as [string, Counts])]);
  for (const r of results) {
    const gold = r.gold.filter((s) => types.includes(s.type));
    const pred = r.pred.filter((s) => types.includes(s.type));
    for (const t of types) {
      const g = gold.filter((s) => s.type === t);
      const p = pred.filter((s) => s.type === t);
      const m = match(g, p, true, minIou);
      const c = byType.get(t)!;
      c.gold += g.length;
      c.pred += p.length;
      c.found += m.goldFound.filter(Boolean).length;
      c.predOk += m.predUsed.filter(Boolean).length;
    }
    const overall = byType.get("OVERALL")!;
    const m = match(gold, pred, false, minIou);
    overall.gold += gold.length;
    overall.pred += pred.length;
    overall.found += m.goldFound.filter(Boolean).length;
    overall.predOk += m.predUsed.filter(Boolean).length;
  }
  return byType;
}

function fmt(n: number): string {
  return n.toFixed(3);
}

function table(title: string, results: SampleResult[], withPresidio: boolean): string {
  const strict = score(results, 0.5, EVALUATED);
  const loose = score(results, Number.MIN_VALUE, EVALUATED);
  const extraStrict = score(results, 0.5, EXTRA);
  const lines = [
    `### ${title} (${results.length} samples)`,
    "",
    `| entity | labels | Helix P / R / F2 (IoU ≥ 0.5) | Helix P / R / F2 (any overlap) |${withPresidio ? " Presidio default P / R / F2 |" : ""}`,
    `|---|---:|---|---|${withPresidio ? "---|" : ""}`,
  ];
  const row = (name: string, s: Counts, l: Counts) => {
    const a = prf(s);
    const b = prf(l);
    const pres = PRESIDIO[name];
    return `| ${name === "OVERALL" ? "**overall**" : name} | ${s.gold} | ${a.map(fmt).join(" / ")} | ${b.map(fmt).join(" / ")} |${withPresidio ? ` ${pres ? pres.map((x) => x.toFixed(3)).join(" / ") : "—"} |` : ""}`;
  };
  for (const name of ["OVERALL", ...EVALUATED]) lines.push(row(name, strict.get(name)!, loose.get(name)!));
  const org = extraStrict.get("ORGANIZATION")!;
  const orgLoose = score(results, Number.MIN_VALUE, EXTRA).get("ORGANIZATION")!;
  lines.push(`| ORGANIZATION (not in overall) | ${org.gold} | ${prf(org).map(fmt).join(" / ")} | ${prf(orgLoose).map(fmt).join(" / ")} |${withPresidio ? " not detected |" : ""}`);
  return lines.join("\n");
}

/** Most common false-negative and false-positive patterns per entity (shapes, not values). */
function errorAnalysis(results: SampleResult[], showValues: boolean): string {
  const shape = (text: string, s: Span): string => {
    const v = text.slice(s.start, s.end);
    const words = v.split(/\s+/).filter(Boolean).length;
    const caseOf = /^[\p{Lu}\d\W]+$/u.test(v) ? "UPPER" : /^[\p{Ll}\d\W]+$/u.test(v) ? "lower" : "Cap";
    return `${words === 1 ? "1 word" : words <= 3 ? "2-3 words" : "4+ words"}, ${caseOf}${/\d/.test(v) ? ", digits" : ""}${v.includes("\n") ? ", multi-line" : ""}`;
  };
  const out: string[] = [];
  for (const t of EVALUATED) {
    const fn = new Map<string, { n: number; ex: string[] }>();
    const fp = new Map<string, { n: number; ex: string[] }>();
    const bump = (m: Map<string, { n: number; ex: string[] }>, k: string, ex: string) => {
      const e = m.get(k) ?? { n: 0, ex: [] };
      e.n++;
      if (e.ex.length < 4) e.ex.push(JSON.stringify(ex));
      m.set(k, e);
    };
    for (const r of results) {
      const text = r.sample.full_text;
      const golds = r.gold.filter((s) => s.type === t);
      const preds = r.pred.filter((s) => s.type === t);
      const m = match(golds, preds, true, 0.5);
      golds.forEach((g, i) => {
        if (m.goldFound[i]) return;
        const other = r.pred.find((p) => p.type !== t && p.start < g.end && g.start < p.end);
        const why = m.goldIou[i] > 0 ? "boundary (IoU < 0.5)" : other ? `reported as ${other.type}` : "missed";
        bump(fn, `${g.origin}: ${why}; ${shape(text, g)}`, text.slice(g.start, g.end));
      });
      preds.forEach((p, i) => {
        if (m.predUsed[i]) return;
        const goldOver = r.sample.spans.find((s) => s.start_position < p.end && p.start < s.end_position);
        const what = goldOver ? (LABEL_MAP[goldOver.entity_type] === t ? `partial ${goldOver.entity_type}` : `on ${goldOver.entity_type}`) : "on unlabelled text";
        bump(fp, `${p.origin}: ${what}; ${shape(text, p)}`, text.slice(p.start, p.end));
      });
    }
    const top = (m: Map<string, { n: number; ex: string[] }>) =>
      [...m.entries()]
        .sort((a, b) => b[1].n - a[1].n)
        .slice(0, ERRORS)
        .map(([k, v]) => `  - ${v.n}× ${k}${showValues ? `  e.g. ${v.ex.join(", ")}` : ""}`);
    const fnTotal = [...fn.values()].reduce((a, b) => a + b.n, 0);
    const fpTotal = [...fp.values()].reduce((a, b) => a + b.n, 0);
    if (fnTotal + fpTotal === 0) continue;
    out.push(`- **${t}**: ${fnTotal} false negatives, ${fpTotal} false positives`);
    if (fnTotal) out.push("  - false negatives:", ...top(fn).map((l) => `  ${l}`));
    if (fpTotal) out.push("  - false positives:", ...top(fp).map((l) => `  ${l}`));
  }
  return out.join("\n");
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---------------------------------------------------------------- main

const samples = JSON.parse(readFileSync(args.data, "utf8")) as Sample[];

const t0 = performance.now();
const status = args.nlp === "rules" ? warmUpNlp() : null;
const warmMs = performance.now() - t0;

const nlpRecognizers: Recognizer[] = args.nlp === "rules" ? [createNlpRecognizer()] : args.nlp === "compromise" ? [compromiseRecognizer()] : [];
const analyzer = createAnalyzer([...defaultRecognizers(), ...secretRecognizers, ...nlpRecognizers]);
const entities = [...EVALUATED, ...EXTRA];

// Rule names of the NLP spans, so false positives can be traced to the rule that made them.
function origins(text: string, results: RecognizerResult[]): Span[] {
  const rules = args.nlp === "rules" ? findNlpEntities(text) : [];
  return results.map((r) => {
    const rule = r.recognizer === "NlpRecognizer" ? rules.find((f) => f.entityType === r.entityType && f.start <= r.start && r.end <= f.end)?.rule : undefined;
    return { type: r.entityType, start: r.start, end: r.end, origin: rule ?? r.recognizer };
  });
}

// One untimed pass warms the JIT; the timed pass measures the steady state.
for (const s of samples.slice(0, 200)) analyzer.analyze(s.full_text, { entities, scoreThreshold: THRESHOLD });

const results: SampleResult[] = samples.map((sample, index) => {
  const start = performance.now();
  const found = analyzer.analyze(sample.full_text, { entities, scoreThreshold: THRESHOLD });
  const ms = performance.now() - start;
  const gold = merge(
    sample.full_text,
    sample.spans
      .filter((s) => LABEL_MAP[s.entity_type])
      .map((s) => ({ type: LABEL_MAP[s.entity_type], start: s.start_position, end: s.end_position, origin: s.entity_type })),
  );
  return { index, sample, gold, pred: merge(sample.full_text, origins(sample.full_text, found)), ms };
});

// NLP recognizer alone, per ~1 KB of text: the part of the scan this file is about.
const nlpOnly = nlpRecognizers[0];
const nlpMs: number[] = [];
let nlpChars = 0;
if (nlpOnly) {
  const set = new Set(entities);
  for (const s of samples) {
    const start = performance.now();
    nlpOnly.analyze({ text: s.full_text, entities: set });
    nlpMs.push(performance.now() - start);
    nlpChars += s.full_text.length;
  }
}

const ms = results.map((r) => r.ms).sort((a, b) => a - b);
const chars = samples.reduce((a, s) => a + s.full_text.length, 0);
const heldOut = results.filter((r) => r.sample.template_id % 2 === 1);
const tune = results.filter((r) => r.sample.template_id % 2 === 0);
const lastHalf = results.filter((r) => r.index >= samples.length / 2);

const label = args.nlp === "rules" ? "pattern + secrets + NLP rules (lib/pii/recognizers/nlp)" : args.nlp === "compromise" ? "pattern + secrets + compromise's tagger" : "pattern + secrets only";
console.log(`## PII accuracy — ${label}, threshold ${THRESHOLD}\n`);
console.log(table("All samples", results, true));
console.log();
console.log(table("Held-out: odd template ids (never looked at while tuning)", heldOut, true));
console.log();
console.log(table("Tuning split: even template ids", tune, true));
console.log();
console.log(table("Last 750 samples", lastHalf, true));
console.log();
const sortedNlp = [...nlpMs].sort((a, b) => a - b);
console.log(`Speed (Node ${process.versions.node}, steady state): full analyzer ${fmt(ms.reduce((a, b) => a + b, 0) / ms.length)} ms mean, p50 ${fmt(pct(ms, 50))}, p99 ${fmt(pct(ms, 99))} ms per sample (mean ${Math.round(chars / samples.length)} chars; Presidio default ≈ 7 ms).`);
if (nlpOnly) {
  console.log(
    `NLP recognizer alone: ${fmt(sortedNlp.reduce((a, b) => a + b, 0) / sortedNlp.length)} ms mean, p99 ${fmt(pct(sortedNlp, 99))} ms per sample, ${fmt((sortedNlp.reduce((a, b) => a + b, 0) / nlpChars) * 1000)} ms per 1,000 chars.`,
  );
}
if (status) console.log(`NLP lexicon built in ${Math.round(warmMs)} ms (GeoNames towns ${status.townsLoaded ? `loaded: ${status.townCount}` : "not available"}).`);
console.log("\n### Error patterns (IoU ≥ 0.5, all samples)\n");
console.log(errorAnalysis(args["show-values"] ? tune : results, args["show-values"]));
