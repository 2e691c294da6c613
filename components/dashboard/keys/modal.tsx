"use client";
import { useEffect, type ReactNode } from "react";

/** A centred dialog over the page; Escape or the backdrop closes it (unless `locked`). */
export function Modal({ title, onClose, children, testId, locked = false }: { title: string; onClose: () => void; children: ReactNode; testId?: string; locked?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !locked) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, locked]);
  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 sm:p-10" onMouseDown={(e) => e.target === e.currentTarget && !locked && onClose()}>
      <div role="dialog" aria-modal="true" aria-label={title} data-testid={testId} className="w-full max-w-xl rounded-xl bg-white p-6 shadow-xl">
        <h2 className="mb-4 text-lg font-semibold text-slate-900">{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      {children}
      {hint && <span className="mt-0.5 block text-xs text-slate-500">{hint}</span>}
    </label>
  );
}

const controlClass = "rounded-md border border-slate-300 px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
export const inputClass = `mt-1 block w-full ${controlClass}`;
/** For a control inside a toolbar or a table cell (its own width). */
export const inlineInputClass = `bg-white ${controlClass}`;

/** "Nov 30, 02:14" (UTC), the full date in the tooltip: keeps tables narrow. */
export function ShortDate({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-slate-400">—</span>;
  const d = new Date(iso);
  const text = d.toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
  return (
    <time dateTime={iso} title={`${d.toISOString().replace("T", " ").slice(0, 19)} UTC`} className="text-xs">
      {text}
    </time>
  );
}

export function FormError({ error }: { error: { message: string } | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" data-testid="form-error" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {error.message}
    </p>
  );
}
