"use client";
// Edit (PUT) or remove (DELETE) the budget and rate limits of a key, an API user or a team.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useDashboardMutation } from "@/components/dashboard/api";
import { BudgetFields, draftFrom, putBudgetBody, type BudgetDraft } from "./budget-fields";
import { FormError } from "./modal";
import type { BudgetJson } from "./types";

export function BudgetEditor({ scope, id, current, onDone }: { scope: "key" | "user" | "team"; id: string; current: BudgetJson | undefined; onDone: () => void }) {
  const [draft, setDraft] = useState<BudgetDraft>(() => draftFrom(current));
  const path = `/helix/budgets/${scope}/${encodeURIComponent(id)}`;
  const save = useDashboardMutation<Record<string, unknown>>("PUT", path);
  const remove = useDashboardMutation<undefined>("DELETE", path);
  return (
    <form
      data-testid="budget-editor"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(putBudgetBody(draft, current), { onSuccess: onDone });
      }}
    >
      <BudgetFields draft={draft} onChange={setDraft} />
      <FormError error={save.error ?? remove.error} />
      <div className="flex flex-wrap justify-end gap-2">
        {current && (
          <Button variant="danger" data-testid="budget-remove" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: onDone })}>
            Remove budget
          </Button>
        )}
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="budget-save" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
