"use client";
import { useState } from "react";
import { useDashboardQuery } from "@/components/dashboard/api";
import { Button } from "@/components/ui/button";
import type { LogFilterKey, LogFilterValues } from "./types";

interface Named {
  id: string;
  name: string;
  keyPrefix?: string;
}

const SELECT = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800 shadow-sm";

/** Text filters apply on Enter or when the field loses focus, not on every keystroke (keyed by value: a URL change resets the draft). */
function TextFilter({ name, label, value, onApply, placeholder }: { name: LogFilterKey; label: string; value: string; onApply: (v: string) => void; placeholder: string }) {
  const [draft, setDraft] = useState(value);
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <input
        data-testid={`filter-${name}`}
        className={`${SELECT} w-44`}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft.trim() !== value && onApply(draft.trim())}
        onKeyDown={(e) => {
          if (e.key === "Enter") onApply(draft.trim());
        }}
      />
    </label>
  );
}

export function LogFilterBar({ values, onChange }: { values: LogFilterValues; onChange: (patch: LogFilterValues | null) => void }) {
  // Names for the pickers from the admin API (viewers may read it); the log works without them.
  const keys = useDashboardQuery<{ data: Named[] }>("/helix/keys", {}, { range: false, live: false });
  const teams = useDashboardQuery<{ data: Named[] }>("/helix/teams", {}, { range: false, live: false });
  const any = Object.values(values).some(Boolean);
  const select = (name: LogFilterKey, label: string, options: Array<[string, string]>) => (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select data-testid={`filter-${name}`} className={`${SELECT} max-w-56`} value={values[name] ?? ""} onChange={(e) => onChange({ [name]: e.target.value })}>
        <option value="">All</option>
        {/* Keep a value from the URL selectable even when the list does not have it (deleted key, list not loaded yet). */}
        {values[name] && !options.some(([v]) => v === values[name]) && <option value={values[name]}>{values[name]}</option>}
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div data-testid="log-filters" className="flex flex-wrap items-end gap-3">
      {select("key", "Key", (keys.data?.data ?? []).map((k) => [k.id, `${k.name}${k.keyPrefix ? ` (${k.keyPrefix}…)` : ""}`]))}
      {select("team", "Team", (teams.data?.data ?? []).map((t) => [t.id, t.name]))}
      <TextFilter key={`model:${values.model ?? ""}`} name="model" label="Requested model" value={values.model ?? ""} onApply={(v) => onChange({ model: v })} placeholder="e.g. gpt-4o-mini" />
      {select("status", "Status", [
        ["2xx", "2xx success"],
        ["4xx", "4xx client errors"],
        ["5xx", "5xx server errors"],
        ["error", "Any error (≥ 400)"],
      ])}
      {select("cache", "Cache", [
        ["HIT", "Exact hit"],
        ["SEMANTIC_HIT", "Semantic hit"],
        ["MISS", "Miss"],
        ["BYPASS", "Bypass"],
      ])}
      <TextFilter key={`end_user:${values.end_user ?? ""}`} name="end_user" label="End user" value={values.end_user ?? ""} onApply={(v) => onChange({ end_user: v })} placeholder="OpenAI `user` field" />
      {any && (
        <Button data-testid="filters-clear" onClick={() => onChange(null)}>
          Clear filters
        </Button>
      )}
    </div>
  );
}
