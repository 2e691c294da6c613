"use client";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { StatCard } from "@/components/ui/stat-card";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { useDashboardQuery } from "@/components/dashboard/api";
import { NoTraffic } from "@/components/dashboard/no-traffic";
import { formatCount, formatMs, formatPct, formatUsd } from "@/lib/dashboard/format";
import { fillBuckets } from "@/lib/dashboard/series";
import type { Granularity } from "@/lib/dashboard/ranges";

interface Figures {
  requests: number;
  errors: number;
  error_rate: number | null;
  spend_usd: number;
  cache_hits: number;
  semantic_hits: number;
  cache_hit_rate: number | null;
  cache_savings_usd: number;
  swap_savings_usd: number;
  unknown_cost_requests: number;
  input_tokens: number;
  output_tokens: number;
  pii_detections: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface OverviewResponse {
  from: string;
  to: string;
  granularity: Granularity;
  current: Figures;
  previous: Figures;
  series: Array<{ bucket: string; requests: number; errors: number; spend_usd: number; cache_hits: number }>;
}

export function OverviewView() {
  const q = useDashboardQuery<OverviewResponse>("/api/dashboard/overview");
  return (
    <>
      <PageHeader title="Overview" description="Traffic, spend, savings and protection across every key, over the chosen range, against the range before it." />
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} height="h-96">
        {(o) => <OverviewBody o={o} />}
      </QueryState>
    </>
  );
}

function OverviewBody({ o }: { o: OverviewResponse }) {
  const c = o.current;
  const p = o.previous;
  const rows = fillBuckets(o.series, o.from, o.to, o.granularity, ["requests", "errors", "spend_usd", "cache_hits"]);
  const savings = c.cache_savings_usd + c.swap_savings_usd;
  // Nothing in the range (a fresh install): say how to send a request; the zeros stay, the empty charts go.
  const empty = c.requests === 0;
  return (
    <div className="space-y-6">
      {empty && <NoTraffic />}
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard testId="stat-requests" label="Requests" value={formatCount(c.requests)} current={c.requests} previous={p.requests} goodWhen="neutral" />
        <StatCard testId="stat-spend" label="Spend" value={formatUsd(c.spend_usd)} current={c.spend_usd} previous={p.spend_usd} goodWhen="down" hint={c.unknown_cost_requests > 0 ? `${formatCount(c.unknown_cost_requests)} requests without a price` : undefined} />
        <StatCard testId="stat-savings" label="Saved" value={formatUsd(savings)} current={savings} previous={p.cache_savings_usd + p.swap_savings_usd} hint={`cache ${formatUsd(c.cache_savings_usd)} · swaps ${formatUsd(c.swap_savings_usd)}`} />
        <StatCard testId="stat-cache-hit-rate" label="Cache hit rate" value={formatPct(c.cache_hit_rate)} current={c.cache_hit_rate} previous={p.cache_hit_rate} />
        <StatCard testId="stat-pii" label="PII detections" value={formatCount(c.pii_detections)} current={c.pii_detections} previous={p.pii_detections} goodWhen="neutral" />
        <StatCard testId="stat-p50" label="Latency p50" value={formatMs(c.latency_p50_ms)} current={c.latency_p50_ms} previous={p.latency_p50_ms} goodWhen="down" />
        <StatCard testId="stat-p95" label="Latency p95" value={formatMs(c.latency_p95_ms)} current={c.latency_p95_ms} previous={p.latency_p95_ms} goodWhen="down" />
        <StatCard testId="stat-errors" label="Errors" value={`${formatCount(c.errors)} (${formatPct(c.error_rate)})`} current={c.errors} previous={p.errors} goodWhen="down" />
      </div>
      {!empty && (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Requests" subtitle="All requests, and those that ended in an error">
            <TimeSeriesChart testId="chart-requests" rows={rows} granularity={o.granularity} series={[{ key: "requests", label: "Requests" }, { key: "errors", label: "Errors", color: "#e11d48" }]} format={formatCount} />
          </Card>
          <Card title="Spend" subtitle="What providers billed, per bucket">
            <TimeSeriesChart testId="chart-spend" rows={rows} granularity={o.granularity} kind="bar" series={[{ key: "spend_usd", label: "Spend" }]} format={formatUsd} />
          </Card>
          <Card title="Cache hits" subtitle="Answers served from the exact or semantic cache">
            <TimeSeriesChart testId="chart-cache" rows={rows} granularity={o.granularity} series={[{ key: "cache_hits", label: "Cache hits", color: "#059669" }]} format={formatCount} />
          </Card>
          <Card title="Tokens" subtitle="Over the range">
            <dl className="grid grid-cols-2 gap-4 text-sm">
              <div>
                <dt className="text-slate-500">Input tokens</dt>
                <dd className="text-xl font-semibold tabular-nums">{formatCount(c.input_tokens)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Output tokens</dt>
                <dd className="text-xl font-semibold tabular-nums">{formatCount(c.output_tokens)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Semantic hits</dt>
                <dd className="text-xl font-semibold tabular-nums">{formatCount(c.semantic_hits)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Requests without a price</dt>
                <dd className="text-xl font-semibold tabular-nums">{formatCount(c.unknown_cost_requests)}</dd>
              </div>
            </dl>
          </Card>
        </div>
      )}
    </div>
  );
}
