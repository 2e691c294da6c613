"use client";
// The API users keys are issued to (not dashboard accounts: those are on the Users page), with
// their budget this period and rate limits (applied to every key of the user, on top of the key's
// own). Admins create users (or give a new user when creating a key), change their team, name and
// email, set their budget and limits, and delete a user once none of their keys is active.
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardMutation, useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { formatDateTime } from "@/lib/dashboard/format";
import { BudgetBar, limitsLabel } from "./budget-bar";
import { BudgetEditor } from "./budget-editor";
import { Field, FormError, inputClass, Modal } from "./modal";
import type { ApiUserJson, BudgetJson, ListJson, TeamJson } from "./types";

export function ApiUsersTab() {
  const canEdit = useCanEdit();
  const users = useDashboardQuery<ListJson<ApiUserJson>>("/helix/users", {}, { range: false });
  const teams = useDashboardQuery<ListJson<TeamJson>>("/helix/teams", {}, { range: false });
  const budgets = useDashboardQuery<ListJson<BudgetJson>>("/helix/budgets", { scope: "user" }, { range: false });
  const byUser = useMemo(() => new Map((budgets.data?.data ?? []).map((b) => [b.scope_id, b])), [budgets.data]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ApiUserJson | null>(null);
  const [budgeting, setBudgeting] = useState<ApiUserJson | null>(null);
  const [deleting, setDeleting] = useState<ApiUserJson | null>(null);
  const teamList = teams.data?.data ?? [];
  return (
    <Card
      title="API users"
      subtitle="Who keys are issued to (the key's “User” field). A user's budget and limits apply to all of their keys, on top of each key's own."
      actions={
        canEdit ? (
          <Button variant="primary" data-testid="create-api-user" onClick={() => setCreating(true)}>
            Create user
          </Button>
        ) : undefined
      }
    >
      <StaleNotice error={users.data ? users.error : null} />
      <QueryState query={users} isEmpty={(u) => u.data.length === 0} empty={canEdit ? "No API users yet: create one, or give a user when creating a key." : "No API users yet."}>
        {(u) => (
          <DataTable
            testId="api-users-table"
            rows={u.data}
            rowKey={(x) => x.id}
            columns={[
              { header: "User", cell: (x) => <span data-testid="api-user-row-name" data-user-id={x.id} className="font-medium text-slate-900">{x.external_id}</span> },
              { header: "Name", cell: (x) => x.name ?? "—" },
              { header: "Email", cell: (x) => x.email ?? "—" },
              { header: "Team", cell: (x) => x.team ?? "—" },
              { header: "Org", cell: (x) => x.org ?? "—" },
              { header: "Active keys", align: "right", cell: (x) => x.key_count },
              { header: "Spend / budget", cell: (x) => <BudgetBar budget={byUser.get(x.id)} testId={`user-spend-${x.id}`} /> },
              { header: "Limits", cell: (x) => <span className="text-xs">{limitsLabel(byUser.get(x.id))}</span> },
              { header: "Since", cell: (x) => <span className="text-xs">{formatDateTime(x.created_at)}</span> },
              ...(canEdit
                ? [
                    {
                      header: "",
                      cell: (x: ApiUserJson) => (
                        <span className="flex flex-wrap justify-end gap-2">
                          <Button data-testid={`user-edit-${x.id}`} onClick={() => setEditing(x)}>
                            Edit
                          </Button>
                          <Button data-testid={`user-budget-${x.id}`} onClick={() => setBudgeting(x)}>
                            {byUser.has(x.id) ? "Edit budget" : "Set budget"}
                          </Button>
                          <Button variant="danger" data-testid={`user-delete-${x.id}`} onClick={() => setDeleting(x)}>
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
      {creating && <UserDialog teams={teamList} onClose={() => setCreating(false)} />}
      {editing && <UserDialog user={editing} teams={teamList} onClose={() => setEditing(null)} />}
      {budgeting && (
        <Modal title={`Budget & limits of user “${budgeting.external_id}”`} onClose={() => setBudgeting(null)} testId="user-budget-dialog">
          <BudgetEditor scope="user" id={budgeting.id} current={byUser.get(budgeting.id)} onDone={() => setBudgeting(null)} />
        </Modal>
      )}
      {deleting && <DeleteUserDialog user={users.data?.data.find((x) => x.id === deleting.id) ?? deleting} onClose={() => setDeleting(null)} />}
    </Card>
  );
}

type UserBody = { external_id?: string; name?: string | null; email?: string | null; team_id?: string | null };

/** Create a user, or edit one's name, email and team (the external id is how keys name it: fixed). */
function UserDialog({ user, teams, onClose }: { user?: ApiUserJson; teams: TeamJson[]; onClose: () => void }) {
  const [externalId, setExternalId] = useState(user?.external_id ?? "");
  const [name, setName] = useState(user?.name ?? "");
  const [email, setEmail] = useState(user?.email ?? "");
  const [teamId, setTeamId] = useState(user?.team_id ?? "");
  const save = useDashboardMutation<UserBody>(user ? "PATCH" : "POST", user ? `/helix/users/${encodeURIComponent(user.id)}` : "/helix/users");
  const submit = () => {
    const body: UserBody = user
      ? { name: name.trim() || null, email: email.trim() || null, team_id: teamId || null }
      : { external_id: externalId.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}), ...(teamId ? { team_id: teamId } : {}) };
    save.mutate(body, { onSuccess: onClose });
  };
  return (
    <Modal title={user ? `Edit API user “${user.external_id}”` : "Create an API user"} onClose={onClose} testId="api-user-dialog">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {user ? (
          <p className="text-sm text-slate-600">
            External id: <span className="font-mono">{user.external_id}</span> (keys name the user by it)
          </p>
        ) : (
          <Field label="External id" hint="How keys name the user (their “User” field): an id or an email. Unique.">
            <input data-testid="user-external-id" className={inputClass} required maxLength={200} value={externalId} onChange={(e) => setExternalId(e.target.value)} autoFocus />
          </Field>
        )}
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Name" hint="Optional.">
            <input data-testid="user-name" className={inputClass} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Email" hint="Optional.">
            <input data-testid="user-email" type="email" className={inputClass} maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
        </div>
        <Field label="Team" hint="The user's team (its org becomes the user's). Keys keep the team they were created in.">
          <select data-testid="user-team" className={inputClass} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">No team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.org ? `${t.name} (${t.org})` : t.name}
              </option>
            ))}
          </select>
        </Field>
        <FormError error={save.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="user-submit" disabled={save.isPending || (!user && !externalId.trim())}>
            {save.isPending ? "Saving…" : user ? "Save" : "Create user"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Deleting needs no active key of the user: said up front (the server checks again, 409). */
function DeleteUserDialog({ user, onClose }: { user: ApiUserJson; onClose: () => void }) {
  const remove = useDashboardMutation<undefined>("DELETE", `/helix/users/${encodeURIComponent(user.id)}`);
  const blocked = user.key_count > 0;
  return (
    <Modal title={`Delete API user “${user.external_id}”`} onClose={onClose} testId="user-delete-dialog">
      <div className="space-y-4 text-sm">
        {blocked ? (
          <p role="alert" data-testid="user-delete-blocked" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
            “{user.external_id}” still has {user.key_count === 1 ? "1 active key" : `${user.key_count} active keys`}: revoke {user.key_count === 1 ? "it" : "them"} before deleting the user.
          </p>
        ) : (
          <p className="text-slate-700">The user is deleted with their budget and any PII policy of their own; their revoked keys are kept, without a user. Request logs keep their history. This cannot be undone.</p>
        )}
        <FormError error={remove.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{blocked ? "Close" : "Cancel"}</Button>
          {!blocked && (
            <Button variant="danger" data-testid="user-delete-confirm" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: onClose })}>
              {remove.isPending ? "Deleting…" : "Yes, delete"}
            </Button>
          )}
        </div>
      </div>
    </Modal>
  );
}
