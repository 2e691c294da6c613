"use client";
// One editable block of the policy document (a card per topic): a draft of its sections' fields,
// validated by the server as the admin types (dry run), saved as the next version with the
// version it started from (409 when someone saved in between), with "diff vs file" and the
// draft's pending changes. Viewers get the same card with every control disabled.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ApiError, fetchJson } from "@/components/dashboard/api";
import { documentWith, draftChanges, sameValue } from "@/lib/policies/draft";
import type { PolicySection, PolicySettings } from "@/lib/policies/overlay";
import type { PolicyDoc, PolicyIssue } from "./types";

export const POLICIES_API = "/api/helix/policies";

type Drafts = Partial<Record<PolicySection, Record<string, unknown>>>;

export interface SectionEditor {
  /** The edited values of each section this editor owns (all its fields, starting from the values in force). */
  draft: Drafts;
  /** The draft is unchanged, or the server found exactly this draft valid. */
  valid: boolean;
  set: (section: PolicySection, field: string, value: unknown) => void;
  /** Problems found by the server (dry run) or locally (e.g. JSON that does not parse), by path. */
  errorsAt: (path: string) => PolicyIssue[];
  setLocalError: (path: string, message: string | undefined) => void;
  canEdit: boolean;
  doc: PolicyDoc;
}

function validateBody(settings: PolicySettings) {
  return { method: "POST", body: JSON.stringify({ settings }) };
}

export function useSectionEditor(doc: PolicyDoc, sections: PolicySection[]) {
  const [draft, setDraft] = useState<Drafts>(() => Object.fromEntries(sections.map((s) => [s, { ...doc.effective[s] }])));
  const [serverErrors, setServerErrors] = useState<PolicyIssue[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [checking, setChecking] = useState(false);
  // The candidate the server last found valid: previews run only drafts known to be valid.
  const [validKey, setValidKey] = useState<string | null>(null);
  const changes = useMemo(() => draftChanges(draft, doc.effective), [draft, doc.effective]);
  const dirty = changes.length > 0;
  const candidate = useMemo(() => documentWith(doc.settings, draft, doc.file), [doc.settings, draft, doc.file]);
  const candidateKey = JSON.stringify(candidate);

  // Dry run after a pause in typing: the server applies the same checks as a save.
  useEffect(() => {
    if (!dirty || !doc.can_edit) {
      setServerErrors([]);
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setChecking(true);
      fetchJson<{ valid: boolean; errors: PolicyIssue[] }>(`${POLICIES_API}/validate`, { ...validateBody(JSON.parse(candidateKey) as PolicySettings), signal: ctrl.signal })
        .then((r) => {
          setServerErrors(r.errors);
          setValidKey(r.valid ? candidateKey : null);
        })
        .catch((err: unknown) => {
          if (!ctrl.signal.aborted) setServerErrors([{ path: "", message: err instanceof Error ? err.message : String(err) }]);
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setChecking(false);
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [candidateKey, dirty, doc.can_edit]);

  const errors: PolicyIssue[] = [
    ...Object.entries(localErrors).map(([path, message]) => ({ path, message })),
    // Errors of other sections (a stored problem elsewhere) are not this card's.
    ...serverErrors.filter((e) => e.path === "" || sections.some((s) => e.path.startsWith(`${s}.`))),
  ];

  const set = useCallback(
    (section: PolicySection, field: string, value: unknown) => setDraft((d) => ({ ...d, [section]: { ...d[section], [field]: value } })),
    [],
  );
  // Stable: fields clear their local error when they unmount.
  const setLocalError = useCallback(
    (path: string, message: string | undefined) =>
      setLocalErrors((m) => {
        if (message === undefined) {
          if (!(path in m)) return m;
          const { [path]: _gone, ...rest } = m;
          void _gone;
          return rest;
        }
        return m[path] === message ? m : { ...m, [path]: message };
      }),
    [],
  );
  const valid = Object.keys(localErrors).length === 0 && (!dirty || validKey === candidateKey);
  const editor: SectionEditor = {
    draft,
    valid,
    doc,
    canEdit: doc.can_edit,
    set,
    errorsAt: (path) => errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`)),
    setLocalError,
  };
  // Bumped by a reset: the form remounts, so fields that keep their own text start over too.
  const [generation, setGeneration] = useState(0);
  const reset = () => {
    setDraft(Object.fromEntries(sections.map((s) => [s, { ...doc.effective[s] }])));
    setLocalErrors({});
    setGeneration((g) => g + 1);
  };
  return { editor, errors, changes, dirty, candidate, checking, reset, generation };
}

function show(v: unknown): string {
  if (v === undefined) return "—";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The card around a section editor: Save (with a comment), Reset, diff vs file, pending changes, errors. */
export function PolicyCard({
  title,
  subtitle,
  testId,
  sections,
  state,
  children,
  outside,
}: {
  title: string;
  subtitle?: ReactNode;
  testId: string;
  sections: PolicySection[];
  state: ReturnType<typeof useSectionEditor>;
  children: ReactNode;
  /** Rendered after the form, outside the fieldset viewers get disabled (e.g. a preview). */
  outside?: ReactNode;
}) {
  const { editor, errors, changes, dirty, candidate, checking, reset } = state;
  const { doc } = editor;
  const qc = useQueryClient();
  const [comment, setComment] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [showDiff, setShowDiff] = useState(false);
  const overridden = doc.diff_vs_file.filter((d) => sections.some((s) => d.path.startsWith(`${s}.`)));

  async function save() {
    setSaving(true);
    setSaveError(null);
    try {
      await fetchJson(POLICIES_API, { method: "PUT", body: JSON.stringify({ base_version: doc.version, settings: candidate, ...(comment.trim() ? { comment: comment.trim() } : {}) }) });
      // The page reloads the document; this card starts again from the new version.
      await qc.invalidateQueries();
    } catch (err) {
      setSaveError(err instanceof ApiError ? err : new ApiError(0, String(err)));
      setSaving(false);
    }
  }

  return (
    <Card
      testId={testId}
      title={title}
      subtitle={subtitle}
      actions={
        <div className="flex shrink-0 items-center gap-2 whitespace-nowrap">
          {overridden.length > 0 ? <Badge tone="info">{overridden.length} overridden</Badge> : <Badge>as in file</Badge>}
          <Button className="whitespace-nowrap" onClick={() => setShowDiff((v) => !v)} data-testid={`${testId}-diff-toggle`} aria-expanded={showDiff}>
            Diff vs file
          </Button>
        </div>
      }
    >
      {showDiff && (
        <div data-testid={`${testId}-diff`} className="mb-4 overflow-x-auto rounded-lg border border-slate-200 bg-slate-50 p-3 text-xs">
          {overridden.length === 0 ? (
            <p className="text-slate-600">Nothing here is overridden: the values in force are helix.yaml&apos;s.</p>
          ) : (
            <table className="w-full">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">Setting</th>
                  <th className="py-1 pr-3 font-medium">helix.yaml</th>
                  <th className="py-1 font-medium">In force (dashboard)</th>
                </tr>
              </thead>
              <tbody className="font-mono">
                {overridden.map((d) => (
                  <tr key={d.path} className="border-t border-slate-200 align-top">
                    <td className="py-1 pr-3">{d.path}</td>
                    <td className="max-w-xs break-all py-1 pr-3 text-slate-600">{show(d.file)}</td>
                    <td className="max-w-xs break-all py-1 text-indigo-700">{show(d.effective)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <fieldset key={state.generation} disabled={!editor.canEdit} className="min-w-0 space-y-4">
        {children}
      </fieldset>
      {outside && <div className="mt-4">{outside}</div>}
      {errors.length > 0 && (
        <ul role="alert" data-testid={`${testId}-errors`} className="mt-4 space-y-1 rounded-lg border border-rose-200 bg-rose-50 p-3 text-xs text-rose-800">
          {errors.map((e, i) => (
            <li key={`${e.path}-${i}`}>
              {e.path && <span className="font-mono font-medium">{e.path}: </span>}
              {e.message}
            </li>
          ))}
        </ul>
      )}
      {editor.canEdit && (
        <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-4">
          <input
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="What and why (optional, kept in the history)"
            aria-label={`${title}: change comment`}
            maxLength={500}
            className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <Button onClick={reset} disabled={!dirty || saving}>
            Reset
          </Button>
          <Button variant="primary" data-testid={`${testId}-save`} onClick={() => void save()} disabled={!dirty || saving || checking || errors.length > 0}>
            {saving ? "Saving…" : checking ? "Checking…" : "Save"}
          </Button>
          {dirty && (
            <span data-testid={`${testId}-pending`} className="w-full text-xs text-slate-500">
              Unsaved: {changes.join(", ")}
            </span>
          )}
          {saveError && (
            <p role="alert" data-testid={`${testId}-save-error`} className="w-full text-sm text-rose-700">
              {saveError.status === 409 ? `${saveError.message} ` : `Not saved: ${saveError.message}`}
              {saveError.status === 409 && (
                <button type="button" className="underline" onClick={() => void qc.invalidateQueries()}>
                  Load the latest version
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

export { sameValue };
