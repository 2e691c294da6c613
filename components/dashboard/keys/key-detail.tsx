"use client";
// One key's panel: its budget this period (GET /helix/budgets/key/{id}), its recent budget alerts
// (GET /helix/alerts?scope=key&scope_id=…), settings, and — for admins — edit limits and revoke.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { QueryState } from "@/components/ui/query-state";
import { useDashboardMutation, useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { formatDateTime, formatUsd } from "@/lib/dashboard/format";
import { limitsLabel } from "./budget-bar";
import { BudgetEditor } from "./budget-editor";
import { CacheEditor } from "./cache-editor";
import { FormError } from "./modal";
import type { AlertJson, BudgetJson, KeyJson, ListJson } from "./types";

export function KeyDetail({ apiKey, hasBudget, onClose }: { apiKey: KeyJson; hasBudget: boolean; onClose: () => void }) {
  const canEdit = useCanEdit();
  const [editing, setEditing] = useState(false);
  const [editingCache, setEditingCache] = useState(false);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  // Only asked when the list says there is one: a 404 would be a console error in the browser.
  const budget = useDashboardQuery<BudgetJson>(`/helix/budgets/key/${encodeURIComponent(apiKey.id)}`, {}, { range: false, enabled: hasBudget });
  const alerts = useDashboardQuery<ListJson<AlertJson>>("/helix/alerts", { scope: "key", scope_id: apiKey.id, limit: 20 }, { range: false });
  const revoke = useDashboardMutation<undefined>("DELETE", `/helix/keys/${encodeURIComponent(apiKey.id)}`);
  const b = hasBudget ? budget.data : undefined;

  return (
    <Card
      testId="key-detail"
      title={
        <span className="flex items-center gap-2">
          {apiKey.name} <StatusBadge status={apiKey.status} />
        </span>
      }
      subtitle={<span className="font-mono">{apiKey.keyPrefix}…</span>}
      actions={
        <Button data-testid="key-detail-close" onClick={onClose}>
          Close
        </Button>
      }
    >
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
        <Item label="Team">{apiKey.team ?? "—"}</Item>
        <Item label="User">{apiKey.user ?? "—"}</Item>
        <Item label="Created">{formatDateTime(apiKey.createdAt)}</Item>
        <Item label="Last used">{formatDateTime(apiKey.lastUsedAt)}</Item>
        <Item label="Models">{apiKey.models.length ? apiKey.models.join(", ") : "All"}</Item>
        <Item label="Cache">{apiKey.cache.enabled === null ? "Inherit" : apiKey.cache.enabled ? "On" : "Off"}{apiKey.cache.similarity_threshold !== null ? ` · similarity ≥ ${apiKey.cache.similarity_threshold}` : ""}</Item>
        <Item label="Rate limits">{limitsLabel(b)}</Item>
        {apiKey.revokedAt && <Item label="Revoked">{formatDateTime(apiKey.revokedAt)}</Item>}
      </dl>

      {canEdit && apiKey.status === "active" && !editingCache && (
        <Button className="mt-3" data-testid="key-edit-cache" onClick={() => setEditingCache(true)}>
          Cache settings
        </Button>
      )}
      {editingCache && (
        <div className="mt-3 rounded-lg border border-slate-200 p-3">
          <CacheEditor path={`/helix/keys/${encodeURIComponent(apiKey.id)}`} current={apiKey.cache} onDone={() => setEditingCache(false)} />
        </div>
      )}

      <section className="mt-5">
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Budget this period</h3>
        {!hasBudget ? (
          <p data-testid="key-budget-none" className="text-sm text-slate-500">No budget of its own (its team&apos;s, user&apos;s and org&apos;s still apply).</p>
        ) : (
          <QueryState query={budget} height="h-16">
            {(x) => (
              <div data-testid="key-budget" className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
                <Item label="Spent">
                  <span data-testid="key-budget-spend" className={x.used_pct !== null && x.used_pct >= 100 ? "font-semibold text-rose-700" : ""}>{formatUsd(x.spend_usd)}</span>
                </Item>
                <Item label="Limit">
                  <span data-testid="key-budget-limit">{x.max_budget_usd === null ? "None" : `${formatUsd(x.max_budget_usd)} ${x.period_label}`}</span>
                </Item>
                <Item label="Used">
                  <span data-testid="key-budget-pct">{x.used_pct === null ? "—" : `${x.used_pct.toFixed(1)}%`}</span>
                  {x.used_pct !== null && x.used_pct >= 100 && (
                    <span className="ml-2">
                      <Badge tone="bad">{x.soft ? "over (soft: alert only)" : "exhausted: requests refused"}</Badge>
                    </span>
                  )}
                </Item>
                <Item label="Resets">{formatDateTime(x.reset_at)}</Item>
              </div>
            )}
          </QueryState>
        )}
        {canEdit && apiKey.status === "active" && !editing && (
          <Button className="mt-3" data-testid="key-edit-budget" onClick={() => setEditing(true)}>
            {hasBudget ? "Edit budget & limits" : "Add a budget or limits"}
          </Button>
        )}
        {editing && (
          <div className="mt-3 rounded-lg border border-slate-200 p-3">
            <BudgetEditor scope="key" id={apiKey.id} current={b} onDone={() => setEditing(false)} />
          </div>
        )}
      </section>

      <section className="mt-5">
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Recent budget alerts</h3>
        <QueryState query={alerts} height="h-16" isEmpty={(a) => a.data.length === 0} empty="No alert yet: one is sent at 50, 80 and 100% of the budget (per the configured thresholds).">
          {(a) => (
            <ul data-testid="key-alerts" className="divide-y divide-slate-100 text-sm">
              {a.data.map((x) => (
                <li key={x.id} data-testid="key-alert" data-threshold={x.threshold} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                  <span>
                    <Badge tone={x.threshold >= 100 ? "bad" : x.threshold >= 80 ? "warn" : "info"}>{x.threshold}%</Badge>{" "}
                    <span className="tabular-nums">
                      {formatUsd(x.spend_usd)} of {formatUsd(x.limit_usd)}
                    </span>
                  </span>
                  <span className="text-xs text-slate-500" title={x.last_error ?? undefined}>
                    {formatDateTime(x.created_at)} · {x.delivery_status === "none" ? "no webhook configured" : `webhook ${x.delivery_status}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>

      {canEdit && apiKey.status === "active" && (
        <section className="mt-5 border-t border-slate-100 pt-4">
          {!confirmRevoke ? (
            <Button variant="danger" data-testid="key-revoke" onClick={() => setConfirmRevoke(true)}>
              Revoke key
            </Button>
          ) : (
            <div className="flex flex-wrap items-center gap-2 rounded-md bg-rose-50 p-3 text-sm text-rose-900">
              <span>Revoke “{apiKey.name}”? Every request with it fails from now on; this cannot be undone.</span>
              <Button variant="danger" data-testid="key-revoke-confirm" disabled={revoke.isPending} onClick={() => revoke.mutate(undefined, { onSuccess: () => setConfirmRevoke(false) })}>
                {revoke.isPending ? "Revoking…" : "Yes, revoke"}
              </Button>
              <Button onClick={() => setConfirmRevoke(false)}>Cancel</Button>
            </div>
          )}
          <FormError error={revoke.error} />
        </section>
      )}
    </Card>
  );
}

export function StatusBadge({ status }: { status: "active" | "revoked" }) {
  return <Badge tone={status === "active" ? "good" : "neutral"}>{status}</Badge>;
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}
