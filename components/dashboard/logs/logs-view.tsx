"use client";
import { useState } from "react";
import { fetchJson, useDashboardQuery, withParams } from "@/components/dashboard/api";
import { useDashboardRange } from "@/components/dashboard/use-dashboard-range";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { formatCount, formatMs, formatUsd } from "@/lib/dashboard/format";
import { CacheBadge, StatusBadge, formatLogTime } from "./log-badges";
import { LogDetailPanel } from "./log-detail-panel";
import { LogFilterBar } from "./log-filter-bar";
import type { LogListResponse, LogListRow } from "./types";
import { useLogFilters } from "./use-log-filters";

const API = "/api/dashboard/logs";

export function LogsView() {
  const [filters, setFilters] = useLogFilters();
  const range = useDashboardRange();
  const viewKey = JSON.stringify([range, filters]);
  // Pages after the first, fetched with "Load more"; dropped when the range or a filter changes.
  const [more, setMore] = useState<{ key: string; pages: LogListResponse[] }>({ key: viewKey, pages: [] });
  const [loading, setLoading] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const extra = more.key === viewKey ? more.pages : [];
  // Live refresh only while looking at the newest page: refreshing it under loaded pages would shift them.
  const first = useDashboardQuery<LogListResponse>(API, filters, { live: extra.length === 0 });
  const pages = first.data ? [first.data, ...extra] : [];
  const last = pages.at(-1);

  const loadMore = async () => {
    if (!last?.next_cursor) return;
    setLoading(true);
    setMoreError(null);
    try {
      const page = await fetchJson<LogListResponse>(withParams(API, { range, ...filters, cursor: last.next_cursor }));
      setMore((m) => (m.key === viewKey ? { key: viewKey, pages: [...m.pages, page] } : { key: viewKey, pages: [page] }));
    } catch (e) {
      setMoreError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Request log"
        description="Every request through the gateway, newest first. Filter by key, team, model, status, cache outcome or end user; click a row for its details. Prompts are shown only when general.store_prompts is on."
      />
      <div className="space-y-4">
        <Card>
          <LogFilterBar values={filters} onChange={setFilters} />
        </Card>
        <StaleNotice error={first.data ? first.error : null} />
        <Card
          title="Requests"
          subtitle={extra.length > 0 ? "Live refresh paused while older pages are loaded." : "Refreshing live."}
          actions={
            extra.length > 0 ? (
              <Button
                data-testid="logs-newest"
                onClick={() => {
                  setMore({ key: viewKey, pages: [] });
                  void first.refetch();
                }}
              >
                Back to newest
              </Button>
            ) : undefined
          }
        >
          <QueryState query={first} height="h-96">
            {() => <LogTable rows={pages.flatMap((p) => p.data)} onSelect={setSelected} />}
          </QueryState>
          {last && (
            <div className="mt-4 flex flex-wrap items-center gap-3 text-sm text-slate-600" data-testid="logs-footer">
              {last.partial && last.searched_to && (
                <span data-testid="logs-partial">
                  Searched back to {formatLogTime(last.searched_to)} — no {pages.flatMap((p) => p.data).length ? "more " : ""}matches so far. Each search reads a bounded slice of the log.
                </span>
              )}
              {last.has_more ? (
                <Button data-testid="logs-load-more" onClick={() => void loadMore()} disabled={loading}>
                  {loading ? "Loading…" : last.partial ? "Search further back" : "Load more"}
                </Button>
              ) : (
                <span data-testid="logs-end">{pages.some((p) => p.data.length) ? "End of the range." : ""}</span>
              )}
              {moreError && <span className="text-rose-700">Could not load more: {moreError}</span>}
            </div>
          )}
        </Card>
      </div>
      {selected && <LogDetailPanel id={selected} onClose={() => setSelected(null)} />}
    </>
  );
}

function who(r: LogListRow): string {
  if (r.key_name) return r.key_name;
  if (r.api_key_id) return r.api_key_id;
  return r.key_hash ? `hash ${r.key_hash}…` : "—";
}

function LogTable({ rows, onSelect }: { rows: LogListRow[]; onSelect: (id: string) => void }) {
  if (rows.length === 0) {
    return (
      <div data-testid="empty-state" className="flex h-40 items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500">
        No requests match in this range.
      </div>
    );
  }
  const th = "whitespace-nowrap px-2 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500";
  return (
    <div className="overflow-x-auto">
      <table data-testid="logs-table" className="min-w-full divide-y divide-slate-200 text-sm">
        <thead>
          <tr>
            <th className={`${th} text-left`}>Time (UTC)</th>
            <th className={`${th} text-left`}>Status</th>
            <th className={`${th} text-left`}>Model</th>
            <th className={`${th} text-left`}>Key</th>
            <th className={`${th} text-left`}>Team</th>
            <th className={`${th} text-left`}>End user</th>
            <th className={`${th} text-left`}>Cache</th>
            <th className={`${th} text-right`}>Latency</th>
            <th className={`${th} text-right`} title="Input / output tokens">
              Tokens
            </th>
            <th className={`${th} text-right`}>Cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr
              key={r.id}
              data-testid="log-row"
              data-id={r.id}
              data-status={r.status}
              tabIndex={0}
              onClick={() => onSelect(r.id)}
              onKeyDown={(e) => e.key === "Enter" && onSelect(r.id)}
              className="cursor-pointer hover:bg-slate-50 focus:bg-indigo-50 focus:outline-none"
            >
              <td className="whitespace-nowrap px-2 py-2 text-xs tabular-nums text-slate-700">{formatLogTime(r.created_at)}</td>
              <td className="whitespace-nowrap px-2 py-2" title={r.error_type ?? undefined}>
                <StatusBadge status={r.status} />
              </td>
              <td className="whitespace-nowrap px-2 py-2" data-testid="log-model">
                {r.requested_model}
                {r.served_model && r.served_model !== r.requested_model && <span className="text-xs text-slate-500"> → {r.served_model}</span>}
              </td>
              <td className="max-w-36 truncate whitespace-nowrap px-2 py-2" title={who(r)}>
                {who(r)}
              </td>
              <td className="whitespace-nowrap px-2 py-2">{r.team_name ?? r.team_id ?? "—"}</td>
              <td className="max-w-28 truncate whitespace-nowrap px-2 py-2">{r.end_user ?? "—"}</td>
              <td className="whitespace-nowrap px-2 py-2">
                <CacheBadge status={r.cache_status} similarity={r.cache_similarity} />
              </td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatMs(r.latency_ms)}</td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                {formatCount(r.input_tokens)} / {formatCount(r.output_tokens)}
              </td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums" title={r.cost_status ?? undefined}>
                {r.cost_status === "unknown" ? <span className="text-amber-700">no price</span> : formatUsd(r.cost_usd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
