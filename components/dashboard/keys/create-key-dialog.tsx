"use client";
// Create a key, then show its secret once: the server keeps only a hash, so closing this dialog
// (or reloading) loses it for good. The secret lives only in this component's state.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useDashboardMutation } from "@/components/dashboard/api";
import { BudgetFields, createKeyBudgetFields, EMPTY_BUDGET, type BudgetDraft } from "./budget-fields";
import { Field, FormError, inputClass, Modal } from "./modal";
import type { CreatedKeyJson } from "./types";

export function CreateKeyDialog({ teams, onClose }: { teams: Array<{ name: string; org: string | null }>; onClose: () => void }) {
  const [name, setName] = useState("");
  const [team, setTeam] = useState("");
  // Teams are named within their org: a known team brings its org (so no twin is created), until
  // the admin types an org. Derived, not copied once: the teams list may arrive after the typing.
  const [typedOrg, setOrg] = useState<string | null>(null);
  const known = teams.filter((t) => t.name === team.trim());
  const org = typedOrg ?? (known.length === 1 ? (known[0].org ?? "") : "");
  const orgs = [...new Set(teams.map((t) => t.org).filter((o): o is string => o !== null))];
  const [user, setUser] = useState("");
  const [models, setModels] = useState("");
  const [cache, setCache] = useState<"inherit" | "on" | "off">("inherit");
  const [threshold, setThreshold] = useState("");
  const [budget, setBudget] = useState<BudgetDraft>(EMPTY_BUDGET);
  const create = useDashboardMutation<Record<string, unknown>, CreatedKeyJson>("POST", "/helix/keys");
  const created = create.data;

  const submit = () => {
    const modelList = models.split(/[\s,]+/).filter(Boolean);
    const cacheBody = { ...(cache !== "inherit" ? { enabled: cache === "on" } : {}), ...(threshold.trim() ? { similarity_threshold: Number(threshold) } : {}) };
    create.mutate({
      name: name.trim(),
      ...(team.trim() ? { team: team.trim() } : {}),
      ...(org.trim() ? { org: org.trim() } : {}),
      ...(user.trim() ? { user: user.trim() } : {}),
      ...(modelList.length ? { models: modelList } : {}),
      ...(Object.keys(cacheBody).length ? { cache: cacheBody } : {}),
      ...createKeyBudgetFields(budget),
    });
  };

  if (created) return <RevealKey created={created} onClose={onClose} />;
  return (
    <Modal title="Create an API key" onClose={onClose} testId="create-key-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Name" hint="What the key is for, e.g. “support-bot production”.">
          <input data-testid="key-name" className={inputClass} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Field label="Team" hint="Created if new; its budget applies too.">
            <input data-testid="key-team" className={inputClass} list="known-teams" value={team} onChange={(e) => setTeam(e.target.value)} />
            <datalist id="known-teams">
              {[...new Set(teams.map((t) => t.name))].map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </Field>
          <Field label="Organization" hint="The team's org; created if new.">
            <input data-testid="key-org" className={inputClass} list="known-orgs" value={org} onChange={(e) => setOrg(e.target.value)} />
            <datalist id="known-orgs">
              {orgs.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </Field>
          <Field label="User" hint="Who holds the key (an id or email); created if new.">
            <input data-testid="key-user" className={inputClass} value={user} onChange={(e) => setUser(e.target.value)} />
          </Field>
        </div>
        <Field label="Allowed models" hint="Comma-separated; empty = every model.">
          <input data-testid="key-models" className={inputClass} placeholder="gpt-4o-mini, claude-3-5-haiku" value={models} onChange={(e) => setModels(e.target.value)} />
        </Field>
        <fieldset className="rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Budget &amp; limits</legend>
          <BudgetFields draft={budget} onChange={setBudget} />
        </fieldset>
        <fieldset className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2">
          <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Cache</legend>
          <Field label="Response cache">
            <select data-testid="key-cache" className={inputClass} value={cache} onChange={(e) => setCache(e.target.value as typeof cache)}>
              <option value="inherit">Inherit (team, then config)</option>
              <option value="on">On</option>
              <option value="off">Off</option>
            </select>
          </Field>
          <Field label="Semantic similarity threshold" hint="0–1; empty = inherit.">
            <input data-testid="key-threshold" className={inputClass} type="number" min="0" max="1" step="0.01" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
          </Field>
        </fieldset>
        <FormError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="create-key-submit" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function RevealKey({ created, onClose }: { created: CreatedKeyJson; onClose: () => void }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () => {
    navigator.clipboard
      ?.writeText(created.key)
      .then(() => setCopied("copied"))
      .catch(() => setCopied("failed"));
  };
  return (
    <Modal title={`Key “${created.name}” created`} onClose={onClose} testId="key-reveal" locked>
      <div className="space-y-4">
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <strong>Copy this key now.</strong> It is shown only once: Helix stores only a hash of it, so it cannot be shown again. If it is lost, revoke it and create a new one.
        </p>
        <div className="flex items-center gap-2">
          <input
            data-testid="key-secret"
            readOnly
            value={created.key}
            onFocus={(e) => e.currentTarget.select()}
            className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 font-mono text-sm"
            aria-label="The new API key"
          />
          <Button variant="primary" data-testid="key-copy" onClick={copy}>
            {copied === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        {copied === "failed" && <p className="text-xs text-slate-600">The browser refused clipboard access: select the key and copy it by hand.</p>}
        <div className="flex justify-end">
          <Button data-testid="key-reveal-done" onClick={onClose}>
            I have copied it
          </Button>
        </div>
      </div>
    </Modal>
  );
}
