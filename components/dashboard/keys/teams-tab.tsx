"use client";
// Teams with their budget this period and rate limits; admins set or change a team's budget.
// Teams themselves are created with keys (the "Team" field of a new key).
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { BudgetBar, limitsLabel } from "./budget-bar";
import { BudgetEditor } from "./budget-editor";
import { CacheEditor } from "./cache-editor";
import { Modal } from "./modal";
import type { BudgetJson, ListJson, TeamJson } from "./types";

export function TeamsTab() {
  const canEdit = useCanEdit();
  const teams = useDashboardQuery<ListJson<TeamJson>>("/helix/teams", {}, { range: false });
  const budgets = useDashboardQuery<ListJson<BudgetJson>>("/helix/budgets", { scope: "team" }, { range: false });
  const byTeam = useMemo(() => new Map((budgets.data?.data ?? []).map((b) => [b.scope_id, b])), [budgets.data]);
  const [editing, setEditing] = useState<TeamJson | null>(null);
  const [editingCache, setEditingCache] = useState<TeamJson | null>(null);
  return (
    <Card title="Teams" subtitle="A team's budget applies on top of each of its keys' own. New teams are created by giving a new team name when creating a key.">
      <StaleNotice error={teams.data ? teams.error : null} />
      <QueryState query={teams} isEmpty={(t) => t.data.length === 0} empty="No teams yet: give a team name when creating a key.">
        {(t) => (
          <DataTable
            testId="teams-table"
            rows={t.data}
            rowKey={(x) => x.id}
            columns={[
              { header: "Team", cell: (x) => <span className="font-medium text-slate-900">{x.name}</span> },
              { header: "Org", cell: (x) => x.org ?? "—" },
              { header: "Active keys", align: "right", cell: (x) => x.keyCount },
              { header: "Spend / budget", cell: (x) => <BudgetBar budget={byTeam.get(x.id)} testId={`team-spend-${x.id}`} /> },
              { header: "Period", cell: (x) => byTeam.get(x.id)?.period_label ?? "—" },
              { header: "Limits", cell: (x) => <span className="text-xs">{limitsLabel(byTeam.get(x.id))}</span> },
              { header: "Cache", cell: (x) => (x.cache.enabled === null ? "Inherit" : x.cache.enabled ? "On" : "Off") },
              ...(canEdit
                ? [
                    {
                      header: "",
                      cell: (x: TeamJson) => (
                        <span className="flex justify-end gap-2">
                          <Button data-testid={`team-edit-${x.id}`} onClick={() => setEditing(x)}>
                            {byTeam.has(x.id) ? "Edit budget" : "Set budget"}
                          </Button>
                          <Button data-testid={`team-cache-${x.id}`} onClick={() => setEditingCache(x)}>
                            Cache
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
