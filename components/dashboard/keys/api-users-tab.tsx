"use client";
// The API users keys are issued to (not dashboard accounts: those are on the Users page).
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatDateTime } from "@/lib/dashboard/format";
import type { ApiUserJson, ListJson } from "./types";

export function ApiUsersTab() {
  const users = useDashboardQuery<ListJson<ApiUserJson>>("/helix/users", {}, { range: false });
  return (
    <Card title="API users" subtitle="Who keys are issued to (the key's “User” field). Created with their first key.">
      <StaleNotice error={users.data ? users.error : null} />
      <QueryState query={users} isEmpty={(u) => u.data.length === 0} empty="No API users yet: give a user when creating a key.">
        {(u) => (
          <DataTable
            testId="api-users-table"
            rows={u.data}
            rowKey={(x) => x.id}
            columns={[
              { header: "User", cell: (x) => <span className="font-medium text-slate-900">{x.external_id}</span> },
              { header: "Name", cell: (x) => x.name ?? "—" },
              { header: "Email", cell: (x) => x.email ?? "—" },
              { header: "Team", cell: (x) => x.team ?? "—" },
              { header: "Org", cell: (x) => x.org ?? "—" },
              { header: "Active keys", align: "right", cell: (x) => x.key_count },
              { header: "Since", cell: (x) => <span className="text-xs">{formatDateTime(x.created_at)}</span> },
            ]}
          />
        )}
      </QueryState>
    </Card>
  );
}
