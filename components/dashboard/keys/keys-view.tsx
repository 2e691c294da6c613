"use client";
// Keys & teams: API keys (create with a one-time reveal, budgets, revoke), teams with their
// budgets, and the API users keys are issued to. Reads the /helix admin API with the session.
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { ApiUsersTab } from "./api-users-tab";
import { BudgetBar, limitsLabel } from "./budget-bar";
import { CreateKeyDialog } from "./create-key-dialog";
import { KeyDetail, StatusBadge } from "./key-detail";
import { inlineInputClass, ShortDate } from "./modal";
import { TeamsTab } from "./teams-tab";
import type { BudgetJson, KeyJson, ListJson, TeamJson } from "./types";

const TABS = [
  { id: "keys", label: "API keys" },
  { id: "teams", label: "Teams" },
  { id: "users", label: "API users" },
] as const;

export function KeysView() {
  const [tab, setTab] = useState<(typeof TABS)[number]["id"]>("keys");
  return (
    <>
      <PageHeader title="Keys & teams" description="Virtual API keys, their budgets and rate limits, the teams they belong to and the users they are issued to. Spend is the current budget period's." />
      <div role="tablist" className="mb-4 flex gap-1 border-b border-slate-200">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === t.id ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "keys" ? <KeysTab /> : tab === "teams" ? <TeamsTab /> : <ApiUsersTab />}
    </>
  );
}

const PAGE_SIZE = 25;

function KeysTab() {
  const canEdit = useCanEdit();
  const keys = useDashboardQuery<ListJson<KeyJson>>("/helix/keys", {}, { range: false });
  const budgets = useDashboardQuery<ListJson<BudgetJson>>("/helix/budgets", { scope: "key" }, { range: false });
  const teams = useDashboardQuery<ListJson<TeamJson>>("/helix/teams", {}, { range: false });
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<"active" | "revoked" | "all">("active");
  const [page, setPage] = useState(0);

  const budgetByKey = useMemo(() => new Map((budgets.data?.data ?? []).map((b) => [b.scope_id, b])), [budgets.data]);
  const filtered = useMemo(() => {
    const s = search.trim().toLowerCase();
    return (keys.data?.data ?? []).filter(
      (k) => (status === "all" || k.status === status) && (!s || [k.name, k.keyPrefix, k.team, k.user].some((v) => v?.toLowerCase().includes(s))),
    );
  }, [keys.data, search, status]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const shown = filtered.slice(Math.min(page, pages - 1) * PAGE_SIZE, (Math.min(page, pages - 1) + 1) * PAGE_SIZE);
  const selectedKey = keys.data?.data.find((k) => k.id === selected);

  return (
    <div className="space-y-4">
      {selectedKey && <KeyDetail key={selectedKey.id} apiKey={selectedKey} hasBudget={budgetByKey.has(selectedKey.id)} onClose={() => setSelected(null)} />}
      <Card
        title="API keys"
        subtitle="Click a key for its budget, alerts and actions. Secrets are never shown after creation."
        actions={
          canEdit ? (
            <Button variant="primary" data-testid="create-key" onClick={() => setCreating(true)}>
              Create key
            </Button>
          ) : undefined
        }
      >
        <div className="mb-3 flex flex-wrap gap-2">
          <input
            aria-label="Search keys"
            data-testid="keys-search"
            placeholder="Search name, prefix, team, user"
            className={`${inlineInputClass} w-72 max-w-full`}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(0);
            }}
          />
          <select aria-label="Status" className={inlineInputClass} value={status} onChange={(e) => { setStatus(e.target.value as typeof status); setPage(0); }}>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
            <option value="all">All</option>
          </select>
        </div>
        <StaleNotice error={keys.data ? keys.error : null} />
        <QueryState query={keys} isEmpty={() => filtered.length === 0} empty={search ? "No key matches." : canEdit ? "No keys yet: create one." : "No keys yet."}>
          {() => (
            <>
              <DataTable
                testId="keys-table"
                rows={shown}
                rowKey={(k) => k.id}
                onRowClick={(k) => setSelected(k.id)}
                columns={[
                  { header: "Name", cell: (k) => <span data-testid="key-row-name" data-key-id={k.id} className="font-medium text-slate-900">{k.name}</span> },
                  { header: "Key", cell: (k) => <span className="font-mono text-xs text-slate-600">{k.keyPrefix}…</span> },
                  { header: "Team", cell: (k) => k.team ?? "—" },
                  { header: "User", cell: (k) => k.user ?? "—" },
                  { header: "Created", cell: (k) => <ShortDate iso={k.createdAt} /> },
                  { header: "Last used", cell: (k) => <ShortDate iso={k.lastUsedAt} /> },
                  { header: "Status", cell: (k) => <StatusBadge status={k.status} /> },
                  { header: "Spend / budget", cell: (k) => <BudgetBar budget={budgetByKey.get(k.id)} testId={`key-spend-${k.id}`} /> },
                  { header: "Limits", cell: (k) => <span className="text-xs">{limitsLabel(budgetByKey.get(k.id))}</span> },
                ]}
              />
              {pages > 1 && (
                <div className="mt-3 flex items-center justify-end gap-2 text-sm">
                  <span className="text-slate-500">
                    {filtered.length} keys · page {Math.min(page, pages - 1) + 1} of {pages}
                  </span>
                  <Button disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
                    Previous
                  </Button>
                  <Button disabled={page >= pages - 1} onClick={() => setPage((p) => p + 1)}>
                    Next
                  </Button>
                </div>
              )}
            </>
          )}
        </QueryState>
      </Card>
      {creating && <CreateKeyDialog teams={(teams.data?.data ?? []).map((t) => ({ name: t.name, org: t.org }))} onClose={() => setCreating(false)} />}
    </div>
  );
}
