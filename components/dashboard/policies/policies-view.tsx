"use client";
// The Policies page: the dashboard's policy document over helix.yaml, one card per topic, and its
// version history. Not refreshed live: a background refresh must not wipe an admin's draft (a
// save from a stale version is refused with 409 and offers to load the latest).
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState } from "@/components/ui/query-state";
import { Badge } from "@/components/ui/badge";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatDateTime } from "@/lib/dashboard/format";
import { BudgetsSection, RulesSection } from "./cost-sections";
import { CacheSection } from "./cache-section";
import { PiiSection } from "./pii-section";
import { PolicyHistory } from "./policy-history";
import { POLICIES_API } from "./policy-editor";
import type { PolicyDoc } from "./types";

export function PoliciesView() {
  const q = useDashboardQuery<PolicyDoc>(POLICIES_API, {}, { range: false, live: false });
  return (
    <div>
      <PageHeader
        title="Policies"
        description="PII protection, caching, model-swap rules and budget alerts for the whole gateway. Saved changes are stored in the database, override helix.yaml, are validated first and apply to the next request on every instance — no restart."
      />
      <QueryState query={q} height="h-64">
        {(doc) => (
          <div className="space-y-6">
            <Status doc={doc} />
            {/* Keyed by version: after a save (or a reload after a conflict) every card starts from the new document. */}
            <div key={doc.version} className="space-y-6">
              <PiiSection doc={doc} />
              <CacheSection doc={doc} />
              <div className="grid gap-6 xl:grid-cols-2">
                <RulesSection doc={doc} />
                <BudgetsSection doc={doc} />
              </div>
            </div>
            <PolicyHistory doc={doc} />
          </div>
        )}
      </QueryState>
    </div>
  );
}

function Status({ doc }: { doc: PolicyDoc }) {
  return (
    <Card testId="policy-status">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {doc.version === 0 ? (
          <span data-testid="policy-version">No dashboard overrides: helix.yaml is in force.</span>
        ) : (
          <span data-testid="policy-version">
            Version <span className="font-mono font-semibold">v{doc.version}</span> in force, saved by {doc.created_by?.replace(/^dashboard:/, "")} on {formatDateTime(doc.created_at)}
            {doc.comment ? ` — “${doc.comment}”` : ""}
          </span>
        )}
        <Badge tone={doc.diff_vs_file.length > 0 ? "info" : "neutral"}>
          {doc.diff_vs_file.length} setting{doc.diff_vs_file.length === 1 ? "" : "s"} differ from helix.yaml
        </Badge>
        {doc.applied_version !== doc.version && <Badge tone="warn">this instance still runs v{doc.applied_version} (applies within seconds)</Badge>}
      </div>
      {!doc.can_edit && (
        <p role="note" data-testid="policy-readonly" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          You have view access: policies are read-only for you. Ask an admin to change them. Webhook addresses are hidden.
        </p>
      )}
      {doc.problems.length > 0 && (
        <ul role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          <li className="font-medium">The saved policies do not validate over the current helix.yaml; the instance keeps the last valid configuration:</li>
          {doc.problems.map((p, i) => (
            <li key={i} className="font-mono text-xs">
              {p.path}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
