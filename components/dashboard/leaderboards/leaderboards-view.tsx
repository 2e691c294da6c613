"use client";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatCount, formatMs, formatPct, formatUsd } from "@/lib/dashboard/format";
import { PatternChart } from "./pattern-chart";
import { BOARDS, type BoardEntry, type BoardId, type LeaderboardsResponse } from "./types";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function LeaderboardsView() {
  const q = useDashboardQuery<LeaderboardsResponse>("/api/dashboard/leaderboards");
  return (
    <>
      <PageHeader title="Leaderboards" description="The top spenders over the chosen range — users, end users, keys, teams and models — and when traffic happens (UTC)." />
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} height="h-96">
        {(l) => <LeaderboardsBody l={l} />}
      </QueryState>
    </>
  );
}

function LeaderboardsBody({ l }: { l: LeaderboardsResponse }) {
  const hourRows = l.patterns.by_hour.map((h) => ({ label: String(h.hour).padStart(2, "0"), value: h.requests, title: `${String(h.hour).padStart(2, "0")}:00–${String(h.hour).padStart(2, "0")}:59 UTC` }));
  // Monday first, as calendars here read.
  const weekdayRows = [1, 2, 3, 4, 5, 6, 0].map((d) => ({ label: WEEKDAYS[d].slice(0, 3), value: l.patterns.by_weekday[d]?.requests ?? 0, title: WEEKDAYS[d] }));
  return (
    <div className="space-y-6">
      {/* Two boards a row only where six columns fit beside each other. */}
      <div className="grid gap-6 2xl:grid-cols-2">
        {BOARDS.map((b) => (
          <Card key={b.id} testId={`board-${b.id}`} title={`Top ${b.title.toLowerCase()} by spend`} subtitle={b.subtitle} className={b.id === "model" ? "2xl:col-span-2" : ""}>
            {l.boards[b.id].length === 0 ? (
              <p data-testid="empty-state" className="py-6 text-center text-sm text-slate-500">No {b.title.toLowerCase()} in this range.</p>
            ) : (
              <Board id={b.id} entries={l.boards[b.id]} />
            )}
          </Card>
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card testId="card-by-hour" title="Requests by hour of day" subtitle="Over the range, UTC">
          <PatternChart testId="chart-by-hour" rows={hourRows} format={formatCount} />
        </Card>
        <Card testId="card-by-weekday" title="Requests by day of week" subtitle="Over the range, UTC days">
          <PatternChart testId="chart-by-weekday" rows={weekdayRows} format={formatCount} color="#059669" />
        </Card>
      </div>
    </div>
  );
}

function Board({ id, entries }: { id: BoardId; entries: BoardEntry[] }) {
  const latency = id === "model";
  const max = Math.max(0, ...entries.map((e) => e.spend_usd));
  const th = "whitespace-nowrap px-2 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500";
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <thead>
          <tr>
            <th scope="col" className={`${th} w-6 text-left`}>#</th>
            <th scope="col" className={`${th} text-left`}>Name</th>
            <th scope="col" className={`${th} text-right`}>Spend</th>
            <th scope="col" className={`${th} text-right`}>Requests</th>
            <th scope="col" className={`${th} text-right`} title="Share of requests answered from the exact or semantic cache">Hit rate</th>
            <th scope="col" className={`${th} text-right`}>Avg / request</th>
            {latency && <th scope="col" className={`${th} text-right`}>Avg latency</th>}
            {latency && <th scope="col" className={`${th} text-right`}>p95 latency</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e, i) => (
            <tr key={e.value} data-testid={`board-${id}-row-${i}`}>
              <td className="px-2 py-2 text-slate-400 tabular-nums">{i + 1}</td>
              <td className="px-2 py-2">
                <div className="max-w-[16rem] truncate font-medium text-slate-800" title={e.name === e.value ? e.value : `${e.name} (${e.value})`} data-testid="board-name">
                  {e.name}
                </div>
                <div className="whitespace-nowrap text-xs text-slate-400">{formatCount(e.input_tokens + e.output_tokens)} tokens</div>
                <div className="mt-1 h-1 rounded-full bg-slate-100">
                  <div className="h-1 rounded-full bg-indigo-500" style={{ width: `${max > 0 ? Math.max(1, (e.spend_usd / max) * 100) : 0}%` }} />
                </div>
              </td>
              <td className="whitespace-nowrap px-2 py-2 text-right font-semibold tabular-nums" data-testid="board-spend">{formatUsd(e.spend_usd)}</td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatCount(e.requests)}</td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatPct(e.cache_hit_rate)}</td>
              <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatUsd(e.avg_cost_usd)}</td>
              {latency && <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatMs(e.avg_latency_ms)}</td>}
              {latency && <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">{formatMs(e.p95_latency_ms)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
