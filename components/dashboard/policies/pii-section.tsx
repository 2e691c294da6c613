"use client";
// PII protection: on/off, default action, threshold, the entity types scanned with an action per
// type, custom recognizers (regex + entity + score + context words), the allow list, and a live
// "test this text" box that runs the unsaved draft on the server and shows what it would find and
// what the provider would receive.
import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiError, fetchJson } from "@/components/dashboard/api";
import { PII_ACTIONS } from "@/lib/config/schema";
import { ListField, NumberField, SelectField, ToggleField } from "./fields";
import { PolicyCard, useSectionEditor, type SectionEditor } from "./policy-editor";
import type { PiiTestResult, PolicyDoc } from "./types";

const INPUT = "w-full rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50 disabled:text-slate-500";

interface Recognizer {
  name: string;
  entity_type: string;
  pattern: string;
  confidence_level: number | string;
  context?: string[];
}

export function PiiSection({ doc }: { doc: PolicyDoc }) {
  const state = useSectionEditor(doc, ["pii_protection"]);
  const { editor } = state;
  const pii = editor.draft.pii_protection ?? {};
  return (
    <PolicyCard
      title="PII protection"
      subtitle="What is found in prompts before they reach a provider, and what happens to it. Per-team and per-key policies (PII page) still apply on top."
      testId="policy-pii"
      sections={["pii_protection"]}
      state={state}
      outside={<PiiTestBox editor={editor} />}
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <ToggleField editor={editor} section="pii_protection" field="enabled" label="Scan prompts for PII" />
        <ToggleField editor={editor} section="pii_protection" field="secrets" label="Also scan for secrets" hint="API keys, private keys, JWTs, passwords" />
        <ToggleField editor={editor} section="pii_protection" field="scan_output" label="Scan answers too" />
        <div />
        <SelectField editor={editor} section="pii_protection" field="action" label="Default action" options={PII_ACTIONS} />
        <NumberField editor={editor} section="pii_protection" field="score_threshold" label="Score threshold" hint="0–1; lower finds more" step="0.05" min={0} max={1} />
      </div>
      <EntityActions editor={editor} known={doc.known_entities} entities={(pii.entities as string[]) ?? []} actions={(pii.entity_actions as Record<string, string>) ?? {}} />
      <Recognizers editor={editor} list={(pii.custom_recognizers as Recognizer[]) ?? []} />
      <ListField editor={editor} section="pii_protection" field="allow_list" label="Allow list" hint="one value per line, never reported (e.g. your support address)" rows={3} />
    </PolicyCard>
  );
}

function EntityActions({ editor, known, entities, actions }: { editor: SectionEditor; known: string[]; entities: string[]; actions: Record<string, string> }) {
  const [adding, setAdding] = useState("");
  const remaining = known.filter((e) => !entities.includes(e));
  const setAction = (entity: string, action: string) => {
    const next = { ...actions };
    if (action === "") delete next[entity];
    else next[entity] = action;
    editor.set("pii_protection", "entity_actions", next);
  };
  return (
    <div>
      <h3 className="mb-2 text-xs font-medium text-slate-700">Entity types scanned, and the action for each</h3>
      <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" data-testid="pii-entities">
        {entities.map((e) => (
          <li key={e} className="flex items-center gap-2 rounded-md border border-slate-200 px-2 py-1">
            <span className="min-w-0 flex-1 truncate font-mono text-xs" title={e}>
              {e}
            </span>
            <select
              aria-label={`Action for ${e}`}
              value={actions[e] ?? ""}
              onChange={(ev) => setAction(e, ev.target.value)}
              className="rounded border border-slate-300 px-1 py-0.5 text-xs disabled:bg-slate-50"
              data-testid={`entity-action-${e}`}
            >
              <option value="">default</option>
              {PII_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
            <button
              type="button"
              aria-label={`Stop scanning ${e}`}
              className="text-slate-400 hover:text-rose-600 disabled:hidden"
              onClick={() => editor.set("pii_protection", "entities", entities.filter((x) => x !== e))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="mt-2 flex gap-2">
        <select aria-label="Entity type to add" value={adding} onChange={(e) => setAdding(e.target.value)} className="rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50" data-testid="entity-add-select">
          <option value="">Add an entity type…</option>
          {remaining.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
        <Button
          disabled={adding === ""}
          onClick={() => {
            editor.set("pii_protection", "entities", [...entities, adding]);
            setAdding("");
          }}
        >
          Add
        </Button>
      </div>
      {editor.errorsAt("pii_protection.entities").length + editor.errorsAt("pii_protection.entity_actions").length > 0 && (
        <p className="mt-1 text-xs text-rose-700">
          {[...editor.errorsAt("pii_protection.entities"), ...editor.errorsAt("pii_protection.entity_actions")].map((x) => x.message).join("; ")}
        </p>
      )}
    </div>
  );
}

function Recognizers({ editor, list }: { editor: SectionEditor; list: Recognizer[] }) {
  const update = (i: number, patch: Partial<Recognizer>) =>
    editor.set("pii_protection", "custom_recognizers", list.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-slate-700">Custom recognizers</h3>
      <p className="mb-2 text-xs text-slate-500">
        A regular expression (Python/Presidio syntax is accepted) reported as an entity type with a score; context words near a match raise it. Patterns are checked for catastrophic backtracking before they are saved.
      </p>
      {list.length === 0 && <p className="mb-2 text-sm text-slate-500">None yet.</p>}
      <div className="space-y-3">
        {list.map((r, i) => {
          const errs = editor.errorsAt(`pii_protection.custom_recognizers[${i}]`);
          return (
            <div key={i} className="grid gap-2 rounded-lg border border-slate-200 p-3 sm:grid-cols-2 lg:grid-cols-12" data-testid={`recognizer-${i}`}>
              <input aria-label="Recognizer name" placeholder="name" value={r.name} onChange={(e) => update(i, { name: e.target.value })} className={`${INPUT} lg:col-span-2`} data-testid={`recognizer-name-${i}`} />
              <input
                aria-label="Entity type"
                placeholder="ENTITY_TYPE"
                value={r.entity_type}
                onChange={(e) => update(i, { entity_type: e.target.value })}
                className={`${INPUT} font-mono lg:col-span-2`}
                data-testid={`recognizer-entity-${i}`}
              />
              <input
                aria-label="Pattern (regular expression)"
                placeholder="regex, e.g. EMP-\d{6}"
                value={r.pattern}
                onChange={(e) => update(i, { pattern: e.target.value })}
                className={`${INPUT} font-mono lg:col-span-4`}
                data-testid={`recognizer-pattern-${i}`}
              />
              <input
                aria-label="Score (0–1, or low/medium/high)"
                placeholder="score"
                value={String(r.confidence_level ?? "")}
                onChange={(e) => {
                  const v = e.target.value.trim();
                  update(i, { confidence_level: v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v });
                }}
                className={`${INPUT} lg:col-span-1`}
                data-testid={`recognizer-score-${i}`}
              />
              <input
                aria-label="Context words (comma-separated)"
                placeholder="context words"
                value={(r.context ?? []).join(", ")}
                onChange={(e) => {
                  const words = e.target.value.split(",").map((w) => w.trim()).filter(Boolean);
                  const { context: _old, ...rest } = r;
                  void _old;
                  editor.set("pii_protection", "custom_recognizers", list.map((x, j) => (j === i ? (words.length ? { ...rest, context: words } : rest) : x)));
                }}
                className={`${INPUT} lg:col-span-2`}
                data-testid={`recognizer-context-${i}`}
              />
              <Button className="lg:col-span-1" aria-label={`Remove recognizer ${r.name || i + 1}`} onClick={() => editor.set("pii_protection", "custom_recognizers", list.filter((_, j) => j !== i))}>
                Remove
              </Button>
              {errs.length > 0 && (
                <p className="text-xs text-rose-700 sm:col-span-2 lg:col-span-12" data-testid={`recognizer-error-${i}`}>
                  {errs.map((x) => `${x.path.replace(/^pii_protection\.custom_recognizers\[\d+\]\.?/, "") || "entry"}: ${x.message}`).join("; ")}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <Button
        className="mt-2"
        data-testid="add-recognizer"
        onClick={() => editor.set("pii_protection", "custom_recognizers", [...list, { name: `recognizer-${list.length + 1}`, entity_type: "", pattern: "", confidence_level: 0.8 }])}
      >
        Add recognizer
      </Button>
    </div>
  );
}

/** Cuts the text into plain and detected parts (overlaps: the first wins). */
function segments(text: string, findings: PiiTestResult["findings"]) {
  const out: Array<{ text: string; entity?: string; score?: number }> = [];
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    if (f.start > at) out.push({ text: text.slice(at, f.start) });
    out.push({ text: text.slice(f.start, f.end), entity: f.entity_type, score: f.score });
    at = f.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

function PiiTestBox({ editor }: { editor: SectionEditor }) {
  const id = useId();
  const [text, setText] = useState("");
  const [result, setResult] = useState<{ text: string; r: PiiTestResult } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Admins preview the draft once the server has found it valid; viewers the saved policy.
  const draftKey = editor.canEdit ? JSON.stringify(editor.draft.pii_protection ?? {}) : "";
  const waiting = editor.canEdit && !editor.valid;

  useEffect(() => {
    if (text.trim() === "" || waiting) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setBusy(true);
      const body = { text, ...(draftKey ? { draft: JSON.parse(draftKey) as unknown } : {}) };
      fetchJson<PiiTestResult>("/api/helix/pii/test", { method: "POST", body: JSON.stringify(body), signal: ctrl.signal })
        .then((r) => {
          setResult({ text, r });
          setError(null);
        })
        .catch((err: unknown) => {
          if (!ctrl.signal.aborted) setError(err instanceof ApiError ? err.message : String(err));
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setBusy(false);
        });
    }, 350);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, draftKey, waiting]);

  return (
    <div className="rounded-lg border border-indigo-100 bg-indigo-50/40 p-3" data-testid="pii-test">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-700">
        Test this text <span className="font-normal text-slate-500">— {editor.canEdit ? "with the unsaved settings above" : "with the saved policy"}; nothing is logged</span>
      </label>
      <textarea
        id={id}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Paste a prompt, e.g. “Employee EMP-123456 can be reached at jo@example.com”"
        className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        data-testid="pii-test-input"
      />
      {waiting && text.trim() !== "" && <p className="mt-1 text-xs text-slate-500">Waiting for a valid draft (see the errors below, if any)…</p>}
      {busy && !waiting && text.trim() !== "" && <p className="mt-1 text-xs text-slate-500">Scanning…</p>}
      {error && !waiting && text.trim() !== "" && (
        <p role="alert" className="mt-1 text-xs text-rose-700" data-testid="pii-test-error">
          {error}
        </p>
      )}
      {result && !error && !waiting && text.trim() !== "" && (
        <div className="mt-2 grid gap-3 lg:grid-cols-2">
          <div>
            <p className="mb-1 text-xs font-medium text-slate-600">Detections {result.r.enabled ? `(${result.r.findings.length})` : "(PII protection is off)"}</p>
            <p className="whitespace-pre-wrap break-words rounded-md bg-white p-2 text-sm" data-testid="pii-test-highlight">
              {segments(result.text, result.r.findings).map((s, i) =>
                s.entity ? (
                  <mark key={i} title={`${s.entity} · score ${s.score?.toFixed(2)}`} className="rounded bg-amber-200 px-0.5" data-entity={s.entity}>
                    {s.text}
                    <sup className="ml-0.5 text-[10px] font-semibold text-amber-800">{s.entity}</sup>
                  </mark>
                ) : (
                  <span key={i}>{s.text}</span>
                ),
              )}
            </p>
          </div>
          <div>
            <p className="mb-1 text-xs font-medium text-slate-600">
              What the provider receives
              {result.r.blocked.length > 0 && <span className="ml-2 text-rose-700">— blocked ({result.r.blocked.join(", ")})</span>}
            </p>
            <p className="whitespace-pre-wrap break-words rounded-md bg-white p-2 font-mono text-sm" data-testid="pii-test-output">
              {result.r.text}
            </p>
          </div>
        </div>
      )}
    </div>
  );
}
