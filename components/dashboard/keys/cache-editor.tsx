"use client";
// A key's or team's own cache settings (PATCH /helix/keys/{id} or /helix/teams/{id} `{cache}`):
// on, off or inherit, and the semantic similarity threshold. Applies from the next request.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useDashboardMutation } from "@/components/dashboard/api";
import { Field, FormError, inputClass } from "./modal";
import type { CacheJson } from "./types";

export function CacheEditor({ path, current, onDone }: { path: string; current: CacheJson; onDone: () => void }) {
  const [mode, setMode] = useState<"inherit" | "on" | "off">(current.enabled === null ? "inherit" : current.enabled ? "on" : "off");
  const [threshold, setThreshold] = useState(current.similarity_threshold === null ? "" : String(current.similarity_threshold));
  const save = useDashboardMutation<{ cache: CacheJson }>("PATCH", path);
  return (
    <form
      data-testid="cache-editor"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(
          { cache: { enabled: mode === "inherit" ? null : mode === "on", similarity_threshold: threshold.trim() === "" ? null : Number(threshold) } },
          { onSuccess: onDone },
        );
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Response cache">
          <select data-testid="cache-mode" className={inputClass} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="inherit">Inherit</option>
            <option value="on">On</option>
            <option value="off">Off</option>
          </select>
        </Field>
        <Field label="Semantic similarity threshold" hint="0–1; empty = inherit.">
          <input data-testid="cache-threshold" className={inputClass} type="number" min="0" max="1" step="0.01" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
        </Field>
      </div>
      <FormError error={save.error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="cache-save" disabled={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
