"use client";
// The PII page: detections by entity type, action and team over the range, a stacked series over
// time by entity type, action or team (a selector kept in the URL: ?by=action), and the incident log (filters, newest first, cursor pages). Incidents carry types,
// counts, actions and scores only: Helix never stores a detected value, so none can be shown.
// Data: GET /api/dashboard/pii and GET /api/dashboard/pii/incidents.
import { useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { StatCard } from "@/components/ui/stat-card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { BarList } from "@/components/charts/bar-list";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { colorAt } from "@/components/charts/palette";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatCount, formatDateTime, formatPct } from "@/lib/dashboard/format";
import { fillBuckets, type SeriesRow } from "@/lib/dashboard/series";
import type { Granularity } from "@/lib/dashboard/ranges";

interface Group {
  detections: number;
  incidents: number;
}

export interface PiiResponse {
  from: string;
  to: string;
  granularity: Granularity;
  detections: number;
  incidents: number;
  by_entity_type: Array<Group & { entity_type: string }>;
  by_action: Array<Group & { action: string }>;
  by_team: Array<Group & { team_id: string; team: string | null }>;
  /** Detections per bucket and entity type. */
  series: PiiSeries;
  /** Detections per bucket and action. */
  series_by_action: PiiSeries;
  /** Detections per bucket and team, keyed by by_team's team_id ("none": no team). */
  series_by_team: PiiSeries;
}

export type PiiSeries = Array<{ bucket: string; counts: Record<string, number> }>;

export interface Incident {
  id: string;
  created_at: string;
  request_id: string;
  api_key_id: string | null;
  key: string | null;
  team_id: string | null;
  team: string | null;
  entity_type: string;
  count: number;
  action: string;
  policy: string;
  recognizer: string;
  score: number;
  location: string;
}

export interface IncidentList {
  data: Incident[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Entity types drawn as their own series; the rest are summed into "Other". */
const MAX_SERIES = 7;

const ACTION_TONE: Record<string, "bad" | "warn" | "info" | "neutral" | "good"> = { block: "bad", redact: "warn", mask: "warn", hash: "info", tokenize: "info", allow: "neutral" };

export function PiiView() {
  const q = useDashboardQuery<PiiResponse>("/api/dashboard/pii");
  return (
    <>
      <PageHeader
        title="PII incidents"
        description="Personal data detected in prompts and answers, what the policies did with it, and where it came from. Only types, counts and scores are kept — never the values."
      />
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} height="h-96">
        {(s) => (
          <div className="space-y-6">
            <PiiSummary s={s} />
            <IncidentLog s={s} />
          </div>
        )}
      </QueryState>
    </>
  );
}

/** The chart's breakdowns: which totals name the series, and which series they come from. */
export const PII_SERIES_TABS = [
  { id: "entity", label: "Entity type" },
  { id: "action", label: "Action" },
  { id: "team", label: "Team" },
] as const;
export type PiiSeriesBy = (typeof PII_SERIES_TABS)[number]["id"];

const isSeriesBy = (v: string | null): v is PiiSeriesBy => PII_SERIES_TABS.some((t) => t.id === v);

/** The chosen breakdown lives in the URL (?by=team) like the range, so a view can be shared. */
function useSeriesByParam(): [PiiSeriesBy, (by: PiiSeriesBy) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const raw = params.get("by");
  const set = (by: PiiSeriesBy) => {
    const next = new URLSearchParams(params.toString());
    next.set("by", by);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return [isSeriesBy(raw) ? raw : "entity", set];
}

/** The groups (largest first) and points of one breakdown. */
function breakdown(s: PiiResponse, by: PiiSeriesBy): { groups: Array<{ key: string; label: string }>; points: PiiSeries } {
  switch (by) {
    case "action":
      return { groups: s.by_action.map((g) => ({ key: g.action, label: g.action })), points: s.series_by_action ?? [] };
    case "team":
      return { groups: s.by_team.map((g) => ({ key: g.team_id, label: g.team ?? "No team" })), points: s.series_by_team ?? [] };
    default:
      return { groups: s.by_entity_type.map((g) => ({ key: g.entity_type, label: g.entity_type })), points: s.series };
  }
}

function SeriesTabs({ value, onChange }: { value: PiiSeriesBy; onChange: (by: PiiSeriesBy) => void }) {
  return (
    <div role="tablist" aria-label="Break detections down by" className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
      {PII_SERIES_TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={value === t.id}
          data-testid={`pii-series-${t.id}`}
          onClick={() => onChange(t.id)}
          className={`rounded-md px-2.5 py-1 text-xs font-medium ${value === t.id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function PiiSummary({ s }: { s: PiiResponse }) {
  const [by, setBy] = useSeriesByParam();
  const { groups, points } = breakdown(s, by);
  const top = groups.slice(0, MAX_SERIES);
  const topKeys = top.map((g) => g.key);
  const rest = groups.length > MAX_SERIES;
  const keys = top.map((_, i) => `e${i}`);
  // Series keys are positional (e0, e1…): entity types, actions and team ids are data, not safe object keys.
  const raw: SeriesRow[] = points.map((p) => {
    const row: SeriesRow = { bucket: p.bucket };
    topKeys.forEach((t, i) => (row[`e${i}`] = p.counts[t] ?? 0));
    if (rest) row.other = Object.entries(p.counts).reduce((sum, [t, n]) => sum + (topKeys.includes(t) ? 0 : n), 0);
    return row;
  });
  const rows = fillBuckets(raw, s.from, s.to, s.granularity, rest ? [...keys, "other"] : keys);
  const series = [...top.map((g, i) => ({ key: `e${i}`, label: g.label, color: colorAt(i) })), ...(rest ? [{ key: "other", label: "Other", color: "#94a3b8" }] : [])];
  const title = `Detections by ${PII_SERIES_TABS.find((t) => t.id === by)!.label.toLowerCase()}`;
  const blocked = s.by_action.find((a) => a.action === "block")?.detections ?? 0;
  return (
    <>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard testId="stat-detections" label="Detections" value={formatCount(s.detections)} hint="entities found in the range" />
        <StatCard testId="stat-incidents" label="Incidents" value={formatCount(s.incidents)} hint="request × entity type × location" />
        <StatCard testId="stat-top-entity" label="Most found" value={s.by_entity_type[0]?.entity_type ?? "—"} hint={s.by_entity_type[0] ? `${formatCount(s.by_entity_type[0].detections)} detections` : undefined} />
        <StatCard testId="stat-blocked" label="Blocked" value={formatCount(blocked)} hint={s.detections > 0 ? `${formatPct(blocked / s.detections)} of detections` : undefined} />
      </div>
      {s.incidents === 0 ? (
        <div data-testid="empty-state" className="flex h-40 items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500">
          No PII detected in this range.
        </div>
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          <Card title={title} subtitle="Per bucket, stacked" className="lg:col-span-3" actions={<SeriesTabs value={by} onChange={setBy} />}>
            <TimeSeriesChart testId="chart-pii-series" rows={rows} granularity={s.granularity} kind="bar" stacked series={series} format={formatCount} height={260} />
          </Card>
          <Card title="By entity type" subtitle="Detections (incidents)">
            <BarList testId="pii-by-entity" items={s.by_entity_type.map((g) => ({ key: g.entity_type, label: g.entity_type, value: g.detections, detail: `${formatCount(g.incidents)}` }))} format={formatCount} />
          </Card>
          <Card title="By action" subtitle="What the policy did">
            <BarList testId="pii-by-action" color={colorAt(3)} items={s.by_action.map((g) => ({ key: g.action, label: g.action, value: g.detections, detail: `${formatCount(g.incidents)}` }))} format={formatCount} />
          </Card>
          <Card title="By team" subtitle="Whose requests carried it">
            <BarList testId="pii-by-team" color={colorAt(4)} items={s.by_team.map((g) => ({ key: g.team_id, label: g.team ?? "No team", value: g.detections, detail: `${formatCount(g.incidents)}` }))} format={formatCount} />
          </Card>
        </div>
      )}
    </>
  );
}

function Select({ label, value, onChange, options, testId }: { label: string; value: string; onChange: (v: string) => void; options: Array<{ value: string; label: string }>; testId: string }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800">
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const PAGE_SIZE = 25;

const logTime = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" });

/** "Nov 30, 02:04:11": the log's time column, compact (the full date is in the tooltip). */
function formatLogTime(iso: string): string {
  return logTime.format(new Date(iso));
}

/** Long request ids shortened for the table; the full id is in the title and data attribute. */
function shortId(id: string): string {
  return id.length > 18 ? `${id.slice(0, 10)}…${id.slice(-6)}` : id;
}

function IncidentLog({ s }: { s: PiiResponse }) {
  const [filter, setFilter] = useState({ entity_type: "", action: "", team: "" });
  // Cursors of the pages before the current one; the first page has none.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const q = useDashboardQuery<IncidentList>("/api/dashboard/pii/incidents", { ...filter, cursor, limit: PAGE_SIZE });
  const set = (k: keyof typeof filter) => (v: string) => {
    setFilter((f) => ({ ...f, [k]: v }));
    setCursors([]);
  };
  const keep = (options: Array<{ value: string; label: string }>, current: string) => (current && !options.some((o) => o.value === current) ? [...options, { value: current, label: current }] : options);
  return (
    <Card title="Incident log" subtitle="Newest first. Types, counts and scores only — values are never stored." testId="incident-log">
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <Select testId="filter-entity" label="Entity type" value={filter.entity_type} onChange={set("entity_type")} options={keep(s.by_entity_type.map((g) => ({ value: g.entity_type, label: g.entity_type })), filter.entity_type)} />
        <Select testId="filter-action" label="Action" value={filter.action} onChange={set("action")} options={keep(s.by_action.map((g) => ({ value: g.action, label: g.action })), filter.action)} />
        <Select testId="filter-team" label="Team" value={filter.team} onChange={set("team")} options={keep(s.by_team.map((g) => ({ value: g.team_id, label: g.team ?? "No team" })), filter.team)} />
      </div>
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} isEmpty={(l) => l.data.length === 0} empty="No incidents match." height="h-40">
        {(l) => (
          <>
            <DataTable
              testId="incident-table"
              rows={l.data}
              rowKey={(r) => r.id}
              columns={[
                { header: "Time (UTC)", cell: (r) => <span title={formatDateTime(r.created_at)}>{formatLogTime(r.created_at)}</span> },
                {
                  header: "Request",
                  cell: (r) => (
                    <code data-testid="incident-request" data-request-id={r.request_id} title={r.request_id} className="text-xs text-slate-600">
                      {shortId(r.request_id)}
                    </code>
                  ),
                },
                {
                  header: "Key / team",
                  cell: (r) => (
                    <span className="flex flex-col leading-tight">
                      <span className="max-w-48 truncate" title={r.key ?? r.api_key_id ?? undefined}>{r.key ?? r.api_key_id ?? "—"}</span>
                      <span className="text-xs text-slate-500">{r.team ?? r.team_id ?? "no team"}</span>
                    </span>
                  ),
                },
                { header: "Entity", cell: (r) => <span data-testid="incident-entity">{r.entity_type}</span> },
                { header: "Count", cell: (r) => formatCount(r.count), align: "right" },
                { header: "Action", cell: (r) => <Badge tone={ACTION_TONE[r.action] ?? "neutral"}>{r.action}</Badge> },
                {
                  header: "Policy / recognizer",
                  cell: (r) => (
                    <span className="flex flex-col text-xs leading-tight">
                      <span className="max-w-40 truncate" title={r.policy}>
                        {r.policy}
                      </span>
                      <span className="text-slate-500">{r.recognizer}</span>
                    </span>
                  ),
                },
                { header: "Score", cell: (r) => r.score.toFixed(2), align: "right" },
                { header: "Location", cell: (r) => <span className="text-xs">{r.location}</span> },
              ]}
            />
            <div className="mt-3 flex items-center justify-between text-xs text-slate-500">
              <span>Page {cursors.length + 1}</span>
              <div className="flex gap-2">
                <Button data-testid="incidents-newer" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                  ← Newer
                </Button>
                <Button data-testid="incidents-older" disabled={!l.has_more || !l.next_cursor} onClick={() => l.next_cursor && setCursors((c) => [...c, l.next_cursor!])}>
                  Older →
                </Button>
              </div>
            </div>
          </>
        )}
      </QueryState>
    </Card>
  );
}
