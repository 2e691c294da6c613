"use client";
// Teams with their active keys, budget this period and rate limits. Admins create teams (or give
// a new team name when creating a key), rename them, set their budget and cache, and delete a
// team once none of its keys is active (the server refuses otherwise, 409).
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardMutation, useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { BudgetBar, limitsLabel } from "./budget-bar";
import { BudgetEditor } from "./budget-editor";
import { CacheEditor } from "./cache-editor";
import { Field, FormError, inputClass, Modal } from "./modal";
import type { BudgetJson, ListJson, TeamJson } from "./types";

export function TeamsTab() {
  const canEdit = useCanEdit();
  const teams = useDashboardQuery<ListJson<TeamJson>>("/helix/teams", {}, { range: false });
  const budgets = useDashboardQuery<ListJson<BudgetJson>>("/helix/budgets", { scope: "team" }, { range: false });
  const byTeam = useMemo(() => new Map((budgets.data?.data ?? []).map((b) => [b.scope_id, b])), [budgets.data]);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<TeamJson | null>(null);
  const [deleting, setDeleting] = useState<TeamJson | null>(null);
  const [editing, setEditing] = useState<TeamJson | null>(null);
  const [editingCache, setEditingCache] = useState<TeamJson | null>(null);
  const orgs = [...new Set((teams.data?.data ?? []).map((t) => t.org).filter((o): o is string => o !== null))];
  return (
    <Card
      title="Teams"
      subtitle="A team's budget applies on top of each of its keys' own. Teams are created here, or by giving a new team name when creating a key."
      actions={
        canEdit ? (
          <Button variant="primary" data-testid="create-team" onClick={() => setCreating(true)}>
            Create team
          </Button>
        ) : undefined
      }
    >
      <StaleNotice error={teams.data ? teams.error : null} />
      <QueryState query={teams} isEmpty={(t) => t.data.length === 0} empty={canEdit ? "No teams yet: create one, or give a team name when creating a key." : "No teams yet."}>
        {(t) => (
          <DataTable
            testId="teams-table"
            rows={t.data}
            rowKey={(x) => x.id}
            columns={[
              { header: "Team", cell: (x) => <span data-testid="team-row-name" data-team-id={x.id} className="font-medium text-slate-900">{x.name}</span> },
              { header: "Org", cell: (x) => x.org ?? "—" },
              { header: "Active keys", align: "right", cell: (x) => <span data-testid={`team-keys-${x.id}`}>{x.keyCount}</span> },
              { header: "Spend / budget", cell: (x) => <BudgetBar budget={byTeam.get(x.id)} testId={`team-spend-${x.id}`} /> },
              { header: "Period", cell: (x) => byTeam.get(x.id)?.period_label ?? "—" },
              { header: "Limits", cell: (x) => <span className="text-xs">{limitsLabel(byTeam.get(x.id))}</span> },
              { header: "Cache", cell: (x) => (x.cache.enabled === null ? "Inherit" : x.cache.enabled ? "On" : "Off") },
              ...(canEdit
                ? [
                    {
                      header: "",
                      cell: (x: TeamJson) => (
                        <span className="flex flex-wrap justify-end gap-2">
                          <Button data-testid={`team-rename-${x.id}`} onClick={() => setRenaming(x)}>
                            Rename
                          </Button>
                          <Button data-testid={`team-edit-${x.id}`} onClick={() => setEditing(x)}>
                            {byTeam.has(x.id) ? "Edit budget" : "Set budget"}
                          </Button>
                          <Button data-testid={`team-cache-${x.id}`} onClick={() => setEditingCache(x)}>
                            Cache
                          </Button>
                          <Button variant="danger" data-testid={`team-delete-${x.id}`} onClick={() => setDeleting(x)}>
                            Delete
                          </Button>
                        </span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </QueryState>
      {creating && <TeamDialog orgs={orgs} onClose={() => setCreating(false)} />}
      {renaming && <TeamDialog team={renaming} orgs={orgs} onClose={() => setRenaming(null)} />}
      {deleting && <DeleteTeamDialog team={teams.data?.data.find((x) => x.id === deleting.id) ?? deleting} hasBudget={byTeam.has(deleting.id)} onClose={() => setDeleting(null)} />}
      {editing && (
        <Modal title={`Budget & limits of team “${editing.name}”`} onClose={() => setEditing(null)} testId="team-budget-dialog">
          <BudgetEditor scope="team" id={editing.id} current={byTeam.get(editing.id)} onDone={() => setEditing(null)} />
        </Modal>
      )}
      {editingCache && (
        <Modal title={`Cache settings of team “${editingCache.name}”`} onClose={() => setEditingCache(null)} testId="team-cache-dialog">
          <CacheEditor path={`/helix/teams/${encodeURIComponent(editingCache.id)}`} current={editingCache.cache} onDone={() => setEditingCache(null)} />
        </Modal>
      )}
    </Card>
  );
}

/** Create a team (name, org) or rename one (its org stays). */
function TeamDialog({ team, orgs, onClose }: { team?: TeamJson; orgs: string[]; onClose: () => void }) {
  const [name, setName] = useState(team?.name ?? "");
  const [org, setOrg] = useState("");
  const create = useDashboardMutation<{ name: string; org?: string }>("POST", "/helix/teams");
  const rename = useDashboardMutation<{ name: string }>("PATCH", `/helix/teams/${encodeURIComponent(team?.id ?? "")}`);
  const save = team ? rename : create;
  const submit = () => {
    if (team) rename.mutate({ name: name.trim() }, { onSuccess: onClose });
    else create.mutate({ name: name.trim(), ...(org.trim() ? { org: org.trim() } : {}) }, { onSuccess: onClose });
  };
  return (
    <Modal title={team ? `Rename team “${team.name}”` : "Create a team"} onClose={onClose} testId="team-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Name" hint={team ? "Unique within its organization. Its keys show the new name at once." : "Unique within its organization."}>
          <input data-testid="team-name" className={inputClass} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
        {team ? (
          <p className="text-sm text-slate-600">Organization: {team.org ?? "none"}</p>
        ) : (
          <Field label="Organization" hint="Optional; created if new (as for keys).">
            <input data-testid="team-org" className={inputClass} list="team-known-orgs" maxLength={200} value={org} onChange={(e) => setOrg(e.target.value)} />
            <datalist id="team-known-orgs">
              {orgs.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </Field>
        )}
        <FormError error={save.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="team-submit" disabled={save.isPending || !name.trim() || (team !== undefined && name.trim() === team.name)}>
            {save.isPending ? "Saving…" : team ? "Rename" : "Create team"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Deleting needs no active key in the team: said up front (the server checks again, 409). */
function DeleteTeamDialog({ team, hasBudget, onClose }: { team: TeamJson; hasBudget: boolean; onClose: () => void }) {
  const remove = useDashboardMutation<undefined>("DELETE", `/helix/teams/${encodeURIComponent(team.id)}`);
  const blocked = team.keyCount > 0;
  return (
    <Modal title={`Delete team “${team.name}”`} onClose={onClose} testId="team-delete-dialog">
      <div className="space-y-4 text-sm">
        {blocked ? (
          <p role="alert" data-testid="team-delete-blocked" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
            “{team.name}” still has {team.keyCount === 1 ? "1 active key" : `${team.keyCount} active keys`}: revoke {team.keyCount === 1 ? "it" : "them"} before deleting the team. A deleted team&apos;s keys would lose its budget, limits and policies.
          </p>
        ) : (
          <p className="text-slate-700">
            The team is deleted{hasBudget ? " with its budget" : ""} and any PII policy of its own; its API users and revoked keys are kept, without a team. Request logs keep their history. This cannot be undone.
          </p>
        )}
        <FormError error={remove.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{blocked ? "Close" : "Cancel"}</Button>
          {!blocked && (
            <Button variant="danger" data-testid="team-delete-confirm" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: onClose })}>
              {remove.isPending ? "Deleting…" : "Yes, delete"}
            </Button>
          )}
        </div>
      </div>
    </Modal>
  );
}
