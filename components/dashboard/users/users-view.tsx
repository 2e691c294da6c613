"use client";
// Dashboard accounts (admins only): list, create, change role, reset password, delete. The server
// refuses to demote or delete yourself or the last admin (409); its message is shown as is.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { ApiError, fetchJson, useDashboardMutation, useDashboardQuery } from "@/components/dashboard/api";
import { Field, FormError, inlineInputClass, inputClass, Modal } from "@/components/dashboard/keys/modal";
import { formatDateTime } from "@/lib/dashboard/format";

interface UserJson {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "viewer";
  created_at: string;
  last_login_at: string | null;
  is_self: boolean;
}

export function UsersView() {
  const users = useDashboardQuery<{ data: UserJson[] }>("/api/dashboard/users", {}, { range: false });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserJson | null>(null);
  const [deleting, setDeleting] = useState<UserJson | null>(null);
  const qc = useQueryClient();
  // Not useDashboardMutation: the id goes in the path only (the body schema is strict).
  const changeRole = useMutation<unknown, ApiError, { id: string; role: "admin" | "viewer" }>({
    mutationFn: ({ id, role }) => fetchJson(`/api/dashboard/users/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify({ role }) }),
    onSuccess: () => void qc.invalidateQueries(),
  });
  return (
    <>
      <PageHeader title="Users" description="Who can sign in to this dashboard. Admins change settings, keys and users; viewers only read." actions={<Button variant="primary" data-testid="create-user" onClick={() => setCreating(true)}>Add user</Button>} />
      <Card>
        <StaleNotice error={users.data ? users.error : null} />
        <FormError error={changeRole.error} />
        <QueryState query={users} isEmpty={(u) => u.data.length === 0} empty="No users.">
          {(u) => (
            <DataTable
              testId="users-table"
              rows={u.data}
              rowKey={(x) => x.id}
              columns={[
                {
                  header: "Email",
                  cell: (x) => (
                    <span data-testid="user-row-email" data-user-id={x.id} className="font-medium text-slate-900">
                      {x.email} {x.is_self && <Badge tone="info">you</Badge>}
                    </span>
                  ),
                },
                { header: "Name", cell: (x) => x.name ?? "—" },
                {
                  header: "Role",
                  cell: (x) => (
                    <select
                      aria-label={`Role of ${x.email}`}
                      data-testid={`user-role-${x.id}`}
                      className={`${inlineInputClass} py-1`}
                      value={x.role}
                      disabled={x.is_self || changeRole.isPending}
                      title={x.is_self ? "You cannot change your own role" : undefined}
                      onChange={(e) => changeRole.mutate({ id: x.id, role: e.target.value as "admin" | "viewer" })}
                    >
                      <option value="admin">Admin</option>
                      <option value="viewer">Viewer</option>
                    </select>
                  ),
                },
                { header: "Created", cell: (x) => <span className="text-xs">{formatDateTime(x.created_at)}</span> },
                { header: "Last sign-in", cell: (x) => <span className="text-xs">{x.last_login_at ? formatDateTime(x.last_login_at) : "Never"}</span> },
                {
                  header: "",
                  cell: (x) => (
                    <span className="flex justify-end gap-2">
                      <Button data-testid={`user-reset-${x.id}`} onClick={() => setResetting(x)}>
                        Reset password
                      </Button>
                      <Button variant="danger" data-testid={`user-delete-${x.id}`} disabled={x.is_self} title={x.is_self ? "You cannot delete your own account" : undefined} onClick={() => setDeleting(x)}>
                        Delete
                      </Button>
                    </span>
                  ),
                },
              ]}
            />
          )}
        </QueryState>
      </Card>
      {creating && <CreateUserDialog onClose={() => setCreating(false)} />}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
      {deleting && <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<"admin" | "viewer">("viewer");
  const [password, setPassword] = useState("");
  const create = useDashboardMutation<Record<string, string>>("POST", "/api/dashboard/users");
  return (
    <Modal title="Add a dashboard user" onClose={onClose} testId="create-user-dialog">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), role, password }, { onSuccess: onClose });
        }}
      >
        <Field label="Email">
          <input data-testid="user-email" type="email" required className={inputClass} value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </Field>
        <Field label="Name">
          <input data-testid="user-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Role" hint="Viewers can read every page but change nothing.">
          <select data-testid="user-role" className={inputClass} value={role} onChange={(e) => setRole(e.target.value as "admin" | "viewer")}>
            <option value="viewer">Viewer</option>
            <option value="admin">Admin</option>
          </select>
        </Field>
        <Field label="Initial password" hint="At least 8 characters; give it to the user over a safe channel.">
          <input data-testid="user-password" type="password" autoComplete="new-password" required minLength={8} className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <FormError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="create-user-submit" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: UserJson; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const reset = useDashboardMutation<{ password: string }>("PATCH", `/api/dashboard/users/${encodeURIComponent(user.id)}`);
  return (
    <Modal title={`New password for ${user.email}`} onClose={onClose} testId="reset-password-dialog">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate({ password }, { onSuccess: onClose });
        }}
      >
        <Field label="New password" hint="At least 8 characters. Sessions already open stay open until they expire.">
          <input data-testid="reset-password" type="password" autoComplete="new-password" required minLength={8} className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </Field>
        <FormError error={reset.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="reset-password-submit" disabled={reset.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteUserDialog({ user, onClose }: { user: UserJson; onClose: () => void }) {
  const del = useDashboardMutation<undefined>("DELETE", `/api/dashboard/users/${encodeURIComponent(user.id)}`);
  return (
    <Modal title={`Delete ${user.email}?`} onClose={onClose} testId="delete-user-dialog">
      <p className="mb-4 text-sm text-slate-700">They are signed out at their next request and can no longer sign in. This cannot be undone.</p>
      <FormError error={del.error} />
      <div className="mt-3 flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" data-testid="delete-user-confirm" disabled={del.isPending} onClick={() => del.mutate(undefined, { onSuccess: onClose })}>
          Delete user
        </Button>
      </div>
    </Modal>
  );
}
