// `npm run bench:quality`: how well "cosine ≥ threshold" (with and without the semantic guard)
// separates prompts that may share a cached answer from prompts that may not.
//
// Data (../shared/data/semantic, bench/data):
// - STS-B dev+test: score ≥ 4 → should hit, score ≤ 2 → should not, 2–4 ignored.
// - GPTCache's 999 paraphrase pairs (positives only); negatives for that set are the STS-B
//   negatives plus our hard negatives.
// - bench/data/hard-negatives.json: near-identical prompts that need different answers; we report
//   the share of them that would be (wrongly) served from the cache.
// Embeddings are cached in bench/results/ (gitignored) so reruns take seconds.
//
//   npm run bench:quality [-- --embedders use-lite,char-ngram,all-MiniLM-L6-v2]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { guardVeto, type GuardOptions, type GuardResult } from "../lib/cache/semantic-guard";
import type { Embedder } from "../lib/cache/embedders/types";

const ROOT = path.resolve(import.meta.dirname, "..");
const DATA = path.resolve(ROOT, "../shared/data/semantic");
const RESULTS = path.join(ROOT, "bench/results");

const { values } = parseArgs({ options: { embedders: { type: "string", default: "char-ngram,use-lite,all-MiniLM-L6-v2" } } });

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

interface Pair {
  a: string;
  b: string;
}

// STS-B files are CSV with quoted fields where a sentence has a comma.
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function loadStsb(): { pos: Pair[]; neg: Pair[] } {
  const pos: Pair[] = [];
  const neg: Pair[] = [];
  for (const split of ["dev", "test"]) {
    const text = readFileSync(path.join(DATA, `stsb/stsb-en-${split}.csv`), "utf8").replace(/\r/g, "");
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const [a, b, score] = parseCsvLine(line);
      const s = Number(score);
      if (s >= 4) pos.push({ a, b });
      else if (s <= 2) neg.push({ a, b });
    }
  }
  return { pos, neg };
}

const stsb = loadStsb();
const gptcache: Pair[] = (JSON.parse(readFileSync(path.join(DATA, "gptcache_mock_data.json"), "utf8")) as { origin: string; similar: string }[]).map(
  (p) => ({ a: p.origin, b: p.similar }),
);
const hardNegatives: (Pair & { kind: string })[] = JSON.parse(readFileSync(path.join(ROOT, "bench/data/hard-negatives.json"), "utf8"));

// ---------------------------------------------------------------------------------------------
// Embedders
// ---------------------------------------------------------------------------------------------

// Lexical baseline: hashed character 3–5-gram counts, L2-normalised. Shows what the harness
// measures without a neural model, and is the floor any real embedder should beat.
function charNgramEmbedder(dims = 4096): Embedder {
  const hash = (s: string) => {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return (h >>> 0) % dims;
  };
  return {
    id: "char-ngram",
    dimensions: dims,
    maxInputTokens: 100_000,
    async embed(texts) {
      return texts.map((t) => {
        const v = new Float32Array(dims);
        const s = ` ${t.toLowerCase().replace(/\s+/g, " ")} `;
        for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= s.length; i++) v[hash(s.slice(i, i + n))] += 1;
        let norm = 0;
        for (const x of v) norm += x * x;
        norm = Math.sqrt(norm) || 1;
        for (let i = 0; i < dims; i++) v[i] /= norm;
        return v;
      });
    },
    async close() {},
  };
}

async function makeEmbedder(id: string): Promise<Embedder | string> {
  try {
    if (id === "char-ngram") return charNgramEmbedder();
    if (id === "use-lite") {
      const { createUseLiteEmbedder } = await import("../lib/cache/embedders/use-lite");
      return createUseLiteEmbedder();
    }
    if (id === "all-MiniLM-L6-v2") {
      const { createMiniLMEmbedder } = await import("../lib/cache/embedders/minilm");
      const e = createMiniLMEmbedder({ allowRemote: false });
      await e.embed(["probe"]); // fails fast when the weights are not on disk
      return e;
    }
    return `unknown embedder ${id}`;
  } catch (err) {
    return `${id} unavailable: ${(err as Error).message.split("\n")[0]}`;
  }
}

// Embeddings cache: one JSON file per embedder, text → base64 Float32 vector.
async function embedAll(embedder: Embedder, texts: string[]): Promise<{ vectors: Map<string, Float32Array>; embedMs: number; embedded: number }> {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `semantic-embeddings-${embedder.id}.json`);
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const vectors = new Map<string, Float32Array>();
  for (const [t, b64] of Object.entries(stored)) {
    const buf = Buffer.from(b64, "base64");
    vectors.set(t, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
  }
  const todo = [...new Set(texts)].filter((t) => !vectors.has(t));
  const t0 = performance.now();
  for (let i = 0; i < todo.length; i += 64) {
    const batch = todo.slice(i, i + 64);
    const vs = await embedder.embed(batch);
    batch.forEach((t, k) => vectors.set(t, vs[k]));
    if (todo.length > 256 && i % 1024 === 0) process.stderr.write(`  ${embedder.id}: ${i}/${todo.length}\n`);
  }
  const embedMs = performance.now() - t0;
  if (todo.length > 0 && embedder.id !== "char-ngram") {
    const out: Record<string, string> = {};
    for (const [t, v] of vectors) out[t] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
    writeFileSync(file, JSON.stringify(out));
  }
  return { vectors, embedMs, embedded: todo.length };
}

function cosine(x: Float32Array, y: Float32Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d += x[i] * y[i];
  return d;
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

interface Scored {
  cos: number;
  veto: boolean; // guard (default options)
  vetoSubst: boolean; // guard without one-sided entity/literal additions
}

type Mode = "none" | "guard" | "guard-subst";
const hit = (s: Scored, t: number, mode: Mode) => s.cos >= t && (mode === "none" || (mode === "guard" ? !s.veto : !s.vetoSubst));

function prf(pos: Scored[], neg: Scored[], t: number, mode: Mode) {
  const tp = pos.filter((s) => hit(s, t, mode)).length;
  const fp = neg.filter((s) => hit(s, t, mode)).length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp / pos.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
const falseHitRate = (neg: Scored[], t: number, mode: Mode) => neg.filter((s) => hit(s, t, mode)).length / neg.length;

const THRESHOLDS = Array.from({ length: 30 }, (_, i) => Math.round((0.7 + i * 0.01) * 100) / 100);
const REPORT_AT = [0.8, 0.85, 0.88, 0.9, 0.92, 0.95];
const f = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

// ---------------------------------------------------------------------------------------------
// Guard decisions and latency (independent of the embedder)
// ---------------------------------------------------------------------------------------------

const allPairs: Pair[] = [...stsb.pos, ...stsb.neg, ...gptcache, ...hardNegatives];
const SUBST: GuardOptions = { vetoEntityAdditions: false };
const guardCold: number[] = [];
const guardWarm: number[] = [];
const decisions = new Map<Pair, { d: GuardResult; subst: GuardResult }>();
// JIT warm-up on prompts that are not in the data, so the first measured pairs are not penalised.
for (let i = 0; i < 2000; i++) guardVeto(`warm-up question ${i} about Paris and 3 km`, `warm-up question ${i + 1} about Rome`);
for (const p of allPairs) {
  let t0 = performance.now();
  const d = guardVeto(p.a, p.b); // first sight of both prompts: analysis + comparison
  guardCold.push(performance.now() - t0);
  t0 = performance.now();
  guardVeto(p.a, p.b); // prompts already analysed, as for a cached prompt whose features are kept
  guardWarm.push(performance.now() - t0);
  decisions.set(p, { d, subst: guardVeto(p.a, p.b, SUBST) });
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const lines: string[] = [];
const say = (s = "") => {
  lines.push(s);
  console.log(s);
};

say(`Data: STS-B dev+test ${stsb.pos.length} positives (score ≥ 4) / ${stsb.neg.length} negatives (≤ 2); GPTCache ${gptcache.length} paraphrase pairs; ${hardNegatives.length} hard negatives.`);
say();
say("### Guard latency (per pair, this machine)");
say();
say("| | mean ms | p50 ms | p99 ms |");
say("|---|---|---|---|");
say(`| cold (both prompts analysed) | ${mean(guardCold).toFixed(4)} | ${quantile(guardCold, 0.5).toFixed(4)} | ${quantile(guardCold, 0.99).toFixed(4)} |`);
say(`| warm (analyses memoised) | ${mean(guardWarm).toFixed(4)} | ${quantile(guardWarm, 0.5).toFixed(4)} | ${quantile(guardWarm, 0.99).toFixed(4)} |`);
say();
const vetoShare = (ps: Pair[], key: "d" | "subst") => ps.filter((p) => decisions.get(p)![key].veto).length / ps.length;
say("### Guard alone (share of pairs vetoed, regardless of cosine)");
say();
say("| set | guard | guard, substitutions only |");
say("|---|---|---|");
say(`| STS-B positives | ${pct(vetoShare(stsb.pos, "d"))} | ${pct(vetoShare(stsb.pos, "subst"))} |`);
say(`| STS-B negatives | ${pct(vetoShare(stsb.neg, "d"))} | ${pct(vetoShare(stsb.neg, "subst"))} |`);
say(`| GPTCache paraphrases | ${pct(vetoShare(gptcache, "d"))} | ${pct(vetoShare(gptcache, "subst"))} |`);
say(`| hard negatives | ${pct(vetoShare(hardNegatives, "d"))} | ${pct(vetoShare(hardNegatives, "subst"))} |`);
const reasons: Record<string, number> = {};
for (const p of gptcache) {
  const r = decisions.get(p)!.d;
  if (r.veto) reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
}
say();
say(`GPTCache paraphrases vetoed by reason: ${Object.entries(reasons).map(([k, v]) => `${k} ${v}`).join(", ")}.`);
say();

// ---------------------------------------------------------------------------------------------
// Per embedder
// ---------------------------------------------------------------------------------------------

const texts = allPairs.flatMap((p) => [p.a, p.b]);
for (const id of values.embedders.split(",").map((s) => s.trim())) {
  const embedder = await makeEmbedder(id);
  if (typeof embedder === "string") {
    say(`### ${id}: skipped (${embedder})`);
    say();
    continue;
  }
  const { vectors, embedMs, embedded } = await embedAll(embedder, texts);
  await embedder.close();
  const score = (ps: Pair[]): Scored[] =>
    ps.map((p) => ({ cos: cosine(vectors.get(p.a)!, vectors.get(p.b)!), veto: decisions.get(p)!.d.veto, vetoSubst: decisions.get(p)!.subst.veto }));
  const sPos = score(stsb.pos), sNeg = score(stsb.neg), gPos = score(gptcache), hNeg = score(hardNegatives);
  const gNeg = [...sNeg, ...hNeg];

  say(`### ${id}`);
  say();
  say(
    embedded > 0
      ? `Embedded ${embedded} texts in ${(embedMs / 1000).toFixed(1)} s (${(embedMs / embedded).toFixed(2)} ms/text); cached for reruns.`
      : "Embeddings from the cache in bench/results/.",
  );
  const cosStats = (xs: Scored[]) => `median ${f(quantile(xs.map((x) => x.cos), 0.5))}, p10 ${f(quantile(xs.map((x) => x.cos), 0.1))}, p90 ${f(quantile(xs.map((x) => x.cos), 0.9))}`;
  say(`Cosine — GPTCache paraphrases: ${cosStats(gPos)}; hard negatives: ${cosStats(hNeg)}; STS-B negatives: ${cosStats(sNeg)}.`);
  say();
  const best = (pos: Scored[], neg: Scored[], mode: Mode) =>
    THRESHOLDS.map((t) => ({ t, ...prf(pos, neg, t, mode) })).reduce((a, b) => (b.f1 > a.f1 ? b : a));
  say("| set | mode | best-F1 threshold | P | R | F1 |");
  say("|---|---|---|---|---|---|");
  for (const [name, pos, neg] of [["STS-B", sPos, sNeg], ["GPTCache + negatives", gPos, gNeg]] as const) {
    for (const mode of ["none", "guard"] as const) {
      const b = best(pos, neg, mode);
      say(`| ${name} | ${mode === "none" ? "cosine only" : "cosine + guard"} | ${b.t.toFixed(2)} | ${f(b.precision)} | ${f(b.recall)} | ${f(b.f1)} |`);
    }
  }
  say();
  say("| threshold | mode | STS-B P | STS-B R | STS-B F1 | GPTCache P | GPTCache R | GPTCache F1 | hard-negative false hits |");
  say("|---|---|---|---|---|---|---|---|---|");
  for (const t of REPORT_AT) {
    for (const mode of ["none", "guard", "guard-subst"] as const) {
      const s = prf(sPos, sNeg, t, mode);
      const g = prf(gPos, gNeg, t, mode);
      const label = mode === "none" ? "cosine only" : mode === "guard" ? "+ guard" : "+ guard (subst. only)";
      say(`| ${t.toFixed(2)} | ${label} | ${f(s.precision)} | ${f(s.recall)} | ${f(s.f1)} | ${f(g.precision)} | ${f(g.recall)} | ${f(g.f1)} | ${pct(falseHitRate(hNeg, t, mode))} |`);
    }
  }
  say();
  // Default: the threshold that keeps hard-negative false hits at (about) zero with the guard and
  // maximises paraphrase F1 among those; ties go to the lower threshold (more recall).
  const candidates = THRESHOLDS.map((t) => ({ t, fh: falseHitRate(hNeg, t, "guard"), ...prf(gPos, gNeg, t, "guard") })).filter((c) => c.fh <= 0.01);
  const chosen = candidates.reduce((a, b) => (b.f1 > a.f1 + 1e-9 ? b : a), candidates[0]);
  if (chosen) {
    say(`Suggested default for ${id}: **${chosen.t.toFixed(2)}** (with the guard: hard-negative false hits ${pct(chosen.fh)}, GPTCache-set P ${f(chosen.precision)} / R ${f(chosen.recall)} / F1 ${f(chosen.f1)}; without the guard at this threshold: hard-negative false hits ${pct(falseHitRate(hNeg, chosen.t, "none"))}).`);
  }
  // Full curve for the record (not printed to the docs).
  const curve = THRESHOLDS.map((t) => ({ t, none: prf(gPos, gNeg, t, "none"), guard: prf(gPos, gNeg, t, "guard"), stsbNone: prf(sPos, sNeg, t, "none"), stsbGuard: prf(sPos, sNeg, t, "guard"), hardNone: falseHitRate(hNeg, t, "none"), hardGuard: falseHitRate(hNeg, t, "guard") }));
  writeFileSync(path.join(RESULTS, `semantic-quality-curve-${id}.json`), JSON.stringify(curve, null, 1));
  say();
  // Hard negatives the guard lets through at the chosen threshold, for the next round of rules.
  const leaks = hardNegatives.filter((p, i) => hNeg[i].cos >= (chosen?.t ?? 0.85) && !hNeg[i].veto);
  if (leaks.length > 0) say(`Hard negatives still served at that threshold: ${leaks.map((p) => `"${p.a}" / "${p.b}"`).join("; ")}.`);
  say();
}

mkdirSync(RESULTS, { recursive: true });
const out = path.join(RESULTS, `semantic-quality-${Date.now()}.md`);
writeFileSync(out, lines.join("\n") + "\n");
console.error(`written to ${out}`);
// The embed worker pool is unref'd when idle; exit explicitly in case a model left handles open.
process.exit(0);
