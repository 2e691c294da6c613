"use client";
// Form controls bound to one field of a section draft, each showing its own errors under it.
import { useEffect, useId, useState, type ReactNode } from "react";
import type { PolicySection } from "@/lib/policies/overlay";
import type { SectionEditor } from "./policy-editor";

const INPUT = "w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm disabled:bg-slate-50 disabled:text-slate-500";

interface FieldProps {
  editor: SectionEditor;
  section: PolicySection;
  field: string;
  label: string;
  hint?: ReactNode;
}

function FieldErrors({ editor, path }: { editor: SectionEditor; path: string }) {
  const errors = editor.errorsAt(path);
  if (errors.length === 0) return null;
  return (
    <p className="mt-1 text-xs text-rose-700" data-testid={`error-${path}`}>
      {errors.map((e) => e.message).join("; ")}
    </p>
  );
}

function Label({ htmlFor, label, hint }: { htmlFor: string; label: string; hint?: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="mb-1 block text-xs font-medium text-slate-700">
      {label}
      {hint && <span className="ml-1 font-normal text-slate-500">{hint}</span>}
    </label>
  );
}

export function ToggleField({ editor, section, field, label, hint }: FieldProps) {
  const id = useId();
  const value = editor.draft[section]?.[field] === true;
  return (
    <div>
      <label htmlFor={id} className="flex items-center gap-2 text-sm text-slate-800">
        <input id={id} type="checkbox" checked={value} onChange={(e) => editor.set(section, field, e.target.checked)} data-testid={`${section}.${field}`} className="h-4 w-4" />
        {label}
      </label>
      {hint && <p className="ml-6 text-xs text-slate-500">{hint}</p>}
      <FieldErrors editor={editor} path={`${section}.${field}`} />
    </div>
  );
}

/** A number; an empty box leaves the field to the file, text that is not a number is sent as is (and refused). */
export function NumberField({ editor, section, field, label, hint, step = "any", min, max }: FieldProps & { step?: string; min?: number; max?: number }) {
  const id = useId();
  const value = editor.draft[section]?.[field];
  return (
    <div>
      <Label htmlFor={id} label={label} hint={hint} />
      <input
        id={id}
        type="number"
        step={step}
        min={min}
        max={max}
        value={value === undefined || value === null ? "" : String(value)}
        onChange={(e) => {
          const v = e.target.value;
          editor.set(section, field, v === "" ? undefined : Number.isNaN(Number(v)) ? v : Number(v));
        }}
        data-testid={`${section}.${field}`}
        className={INPUT}
      />
      <FieldErrors editor={editor} path={`${section}.${field}`} />
    </div>
  );
}

export function SelectField({ editor, section, field, label, hint, options }: FieldProps & { options: readonly string[] }) {
  const id = useId();
  const value = editor.draft[section]?.[field];
  return (
    <div>
      <Label htmlFor={id} label={label} hint={hint} />
      <select id={id} value={typeof value === "string" ? value : ""} onChange={(e) => editor.set(section, field, e.target.value)} data-testid={`${section}.${field}`} className={INPUT}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <FieldErrors editor={editor} path={`${section}.${field}`} />
    </div>
  );
}

/** A list edited as comma- or line-separated text; `number` parses each item. */
export function ListField({ editor, section, field, label, hint, number = false, rows }: FieldProps & { number?: boolean; rows?: number }) {
  const id = useId();
  const value = editor.draft[section]?.[field];
  const text = Array.isArray(value) ? value.join(rows ? "\n" : ", ") : "";
  // The text as typed; a reset remounts the field (PolicyCard keys the form by its generation).
  const [raw, setRaw] = useState(text);
  const onChange = (v: string) => {
    setRaw(v);
    const items = v.split(rows ? /\n/ : /[,\n]/).map((s) => s.trim()).filter(Boolean);
    editor.set(section, field, number ? items.map((s) => (Number.isNaN(Number(s)) ? s : Number(s))) : items);
  };
  return (
    <div>
      <Label htmlFor={id} label={label} hint={hint} />
      {rows ? (
        <textarea id={id} rows={rows} value={raw} onChange={(e) => onChange(e.target.value)} data-testid={`${section}.${field}`} className={`${INPUT} font-mono`} />
      ) : (
        <input id={id} value={raw} onChange={(e) => onChange(e.target.value)} data-testid={`${section}.${field}`} className={INPUT} />
      )}
      <FieldErrors editor={editor} path={`${section}.${field}`} />
    </div>
  );
}

/** A JSON (or YAML-shaped JSON) value in a text box: parsed as the admin types; unparsable text is a local error. */
export function JsonField({ editor, section, field, label, hint, rows = 8, emptyValue }: FieldProps & { rows?: number; emptyValue?: unknown }) {
  const id = useId();
  const path = `${section}.${field}`;
  const value = editor.draft[section]?.[field];
  const pretty = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [raw, setRaw] = useState(pretty);
  const { setLocalError } = editor;
  useEffect(() => () => setLocalError(path, undefined), [path, setLocalError]);
  const onChange = (v: string) => {
    setRaw(v);
    if (v.trim() === "") {
      setLocalError(path, undefined);
      editor.set(section, field, emptyValue);
      return;
    }
    try {
      editor.set(section, field, JSON.parse(v));
      setLocalError(path, undefined);
    } catch (err) {
      setLocalError(path, `not valid JSON: ${(err as Error).message}`);
    }
  };
  return (
    <div>
      <Label htmlFor={id} label={label} hint={hint} />
      <textarea id={id} rows={rows} spellCheck={false} value={raw} onChange={(e) => onChange(e.target.value)} data-testid={path} className={`${INPUT} font-mono text-xs`} />
      <FieldErrors editor={editor} path={path} />
    </div>
  );
}
