"use client";
// The cache page: exact vs semantic hit rates over time, what hits avoided (cost and upstream
// time), what the stores hold now, the similarity of semantic hits against the thresholds, and
// which embedder and vector store serve. Data: GET /api/dashboard/cache.
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { StatCard } from "@/components/ui/stat-card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { colorAt } from "@/components/charts/palette";
import { useDashboardMutation, useDashboardQuery } from "@/components/dashboard/api";
import { useCanEdit } from "@/components/dashboard/dashboard-context";
import { NoTraffic } from "@/components/dashboard/no-traffic";
import { formatCount, formatMs, formatPct, formatUsd } from "@/lib/dashboard/format";
import { fillBuckets } from "@/lib/dashboard/series";
import type { Granularity } from "@/lib/dashboard/ranges";

interface Figures {
  requests: number;
  exact_hits: number;
  semantic_hits: number;
  hits: number;
  hit_rate: number | null;
  exact_hit_rate: number | null;
  semantic_hit_rate: number | null;
  savings_usd: number;
  saved_ms: number;
}

interface StoreSize {
  entries: number;
  bytes: number | null;
}

export interface CacheResponse {
  from: string;
  to: string;
  granularity: Granularity;
  current: Figures;
  series: Array<{ bucket: string; requests: number; exact_hits: number; semantic_hits: number; exact_hit_rate: number; semantic_hit_rate: number; savings_usd: number; saved_ms: number }>;
  similarity: {
    width: number;
    total: number;
    buckets: Array<{ lower: number; upper: number; hits: number }>;
    thresholds: { default: number; models: Array<{ model: string; threshold: number }>; teams: Array<{ team: string; threshold: number }> };
  };
  live: {
    exact_enabled: boolean;
    semantic_enabled: boolean;
    answer_store: string;
    answers: StoreSize | null;
    max_memory_bytes: number;
    vectors: StoreSize | null;
    vector_store: { kind: string | null; reason: string; shared: boolean };
    embedder: { configured: string; active: string; dimensions: number; fallback: boolean; ready: boolean; reason?: string };
    counters: { hit: number; semantic_hit: number; miss: number; bypass: number; saved_ms: number } | null;
  };
}

const EXACT = colorAt(0);
const SEMANTIC = colorAt(1);

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** Time avoided, readable at any size (ms to hours). */
function formatDuration(ms: number): string {
  if (ms < 60_000) return formatMs(ms);
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function CacheView() {
  const q = useDashboardQuery<CacheResponse>("/api/dashboard/cache");
  return (
    <>
      <PageHeader
        title="Cache performance"
        description="How often answers came from the exact or the semantic cache, what that avoided, and what the caches hold now."
        actions={<ClearCacheButton />}
      />
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} height="h-96">
        {(c) => <CacheBody c={c} />}
      </QueryState>
    </>
  );
}

function ClearCacheButton() {
  const canEdit = useCanEdit();
  const clear = useDashboardMutation<undefined, { deleted: { answers: number; vectors: number } }>("DELETE", "/helix/cache?all=true");
  const [done, setDone] = useState<string | null>(null);
  if (!canEdit) return null;
  return (
    <div className="flex items-center gap-3">
      {done && (
        <span role="status" className="text-xs text-slate-600">
          {done}
        </span>
      )}
      {clear.error && (
        <span role="alert" className="text-xs text-rose-700">
          {clear.error.message}
        </span>
      )}
      <Button
        variant="danger"
        data-testid="clear-cache"
        disabled={clear.isPending}
        title="Drop every cached answer and its vector (all teams, all models)"
        onClick={() => {
          if (!window.confirm("Drop every cached answer and vector? Requests will go upstream until the cache refills.")) return;
          clear.mutate(undefined, { onSuccess: (r) => setDone(`Dropped ${formatCount(r.deleted.answers)} answers, ${formatCount(r.deleted.vectors)} vectors.`) });
        }}
      >
        {clear.isPending ? "Clearing…" : "Clear cache"}
      </Button>
    </div>
  );
}

function CacheBody({ c }: { c: CacheResponse }) {
  const f = c.current;
  const rows = fillBuckets(c.series, c.from, c.to, c.granularity, ["requests", "exact_hits", "semantic_hits", "exact_hit_rate", "semantic_hit_rate", "savings_usd", "saved_ms"]);
  // Nothing in the range (a fresh install): say how to send a request; the zeros and the stores stay.
  const empty = f.requests === 0;
  return (
    <div className="space-y-6">
      {empty && <NoTraffic />}
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard testId="stat-hit-rate" label="Hit rate" value={formatPct(f.hit_rate)} hint={`${formatCount(f.hits)} of ${formatCount(f.requests)} requests`} />
        <StatCard testId="stat-exact-rate" label="Exact hit rate" value={formatPct(f.exact_hit_rate)} hint={`${formatCount(f.exact_hits)} identical requests`} />
        <StatCard testId="stat-semantic-rate" label="Semantic hit rate" value={formatPct(f.semantic_hit_rate)} hint={`${formatCount(f.semantic_hits)} similar requests`} />
        <StatCard testId="stat-cost-avoided" label="Cost avoided" value={formatUsd(f.savings_usd)} hint="what the upstream calls would have cost" />
        <StatCard testId="stat-latency-avoided" label="Upstream time avoided" value={formatDuration(f.saved_ms)} hint={f.hits > 0 ? `${formatMs(f.saved_ms / f.hits)} per hit` : undefined} />
        <StatCard testId="stat-answers" label="Cached answers" value={c.live.answers ? formatCount(c.live.answers.entries) : "—"} hint={`${c.live.answer_store} store · ${formatBytes(c.live.answers?.bytes)}`} />
        <StatCard
          testId="stat-vectors"
          label="Semantic vectors"
          value={c.live.semantic_enabled ? (c.live.vectors ? formatCount(c.live.vectors.entries) : "—") : "off"}
          hint={c.live.semantic_enabled ? `${c.live.vector_store.kind ?? "not chosen"} · ${formatBytes(c.live.vectors?.bytes)}` : "semantic cache disabled"}
        />
        <StatCard testId="stat-requests" label="Requests" value={formatCount(f.requests)} hint="in the range" />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        {!empty && (
          <>
            <Card title="Hit rate over time" subtitle="Share of requests answered from each cache, per bucket">
              <TimeSeriesChart
                testId="chart-hit-rate"
                rows={rows}
                granularity={c.granularity}
                kind="area"
                stacked
                series={[
                  { key: "exact_hit_rate", label: "Exact", color: EXACT },
                  { key: "semantic_hit_rate", label: "Semantic", color: SEMANTIC },
                ]}
                format={(v) => formatPct(v, 0)}
              />
            </Card>
            <Card title="Hits" subtitle="Answers served from the cache, per bucket">
              <TimeSeriesChart
                testId="chart-hits"
                rows={rows}
                granularity={c.granularity}
                kind="bar"
                stacked
                series={[
                  { key: "exact_hits", label: "Exact", color: EXACT },
                  { key: "semantic_hits", label: "Semantic", color: SEMANTIC },
                ]}
                format={formatCount}
              />
            </Card>
            <Card title="Cost avoided" subtitle="Provider cost of the requests the cache answered">
              <TimeSeriesChart testId="chart-savings" rows={rows} granularity={c.granularity} kind="bar" series={[{ key: "savings_usd", label: "Cost avoided", color: colorAt(2) }]} format={formatUsd} />
            </Card>
            <Card title="Upstream time avoided" subtitle="Latency of the provider calls that hits replaced">
              <TimeSeriesChart testId="chart-saved-ms" rows={rows} granularity={c.granularity} kind="bar" series={[{ key: "saved_ms", label: "Time avoided", color: colorAt(4) }]} format={formatDuration} />
            </Card>
            <SimilarityCard c={c} />
          </>
        )}
        <BackendsCard live={c.live} />
      </div>
    </div>
  );
}

function SimilarityCard({ c }: { c: CacheResponse }) {
  const s = c.similarity;
  const data = s.buckets.map((b) => ({ label: b.lower.toFixed(2), hits: b.hits, range: `${b.lower.toFixed(2)}–${b.upper.toFixed(2)}` }));
  const lines = [
    { x: s.thresholds.default.toFixed(2), label: `threshold ${s.thresholds.default}`, color: "#e11d48" },
    ...s.thresholds.models.map((m) => ({ x: (Math.floor(m.threshold * 100 + 1e-9) / 100).toFixed(2), label: `${m.model} ${m.threshold}`, color: "#d97706" })),
  ];
  return (
    <Card title="Similarity of semantic hits" subtitle={`${formatCount(s.total)} semantic hits in the range, per 0.01 of cosine similarity; red: the configured threshold`} testId="card-similarity">
      {s.total === 0 ? (
        <div data-testid="similarity-empty" className="flex h-60 items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500">
          No semantic hits in this range.
        </div>
      ) : (
        <div data-testid="chart-similarity" className="h-60 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 16, right: 8, bottom: 0, left: 0 }} barCategoryGap={1}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#64748b" }} minTickGap={16} />
              <YAxis allowDecimals={false} tickFormatter={(v: number) => formatCount(v)} tick={{ fontSize: 11, fill: "#64748b" }} width={48} />
              <Tooltip labelFormatter={(_, p) => `similarity ${String(p?.[0]?.payload?.range ?? "")}`} formatter={(v) => [formatCount(Number(v)), "Semantic hits"]} contentStyle={{ fontSize: 12 }} />
              <Bar dataKey="hits" name="Semantic hits" fill={SEMANTIC} isAnimationActive={false} />
              {lines.map((l) => (
                <ReferenceLine key={l.label} x={l.x} stroke={l.color} strokeDasharray="4 2" label={{ value: l.label, position: "top", fontSize: 10, fill: l.color }} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      {(s.thresholds.models.length > 0 || s.thresholds.teams.length > 0) && (
        <p className="mt-2 text-xs text-slate-500">
          Overrides: {[...s.thresholds.models.map((m) => `${m.model} ${m.threshold}`), ...s.thresholds.teams.map((t) => `team ${t.team} ${t.threshold}`)].join(" · ")}
        </p>
      )}
    </Card>
  );
}

function BackendsCard({ live }: { live: CacheResponse["live"] }) {
  const e = live.embedder;
  const v = live.vector_store;
  return (
    <Card title="Embedder and stores" subtitle="What serves the caches in this gateway instance, now" testId="card-backends">
      <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-slate-500">Exact cache</dt>
          <dd className="mt-1 flex flex-wrap items-center gap-2">
            <Badge tone={live.exact_enabled ? "good" : "neutral"}>{live.exact_enabled ? "on" : "off"}</Badge>
            <span data-testid="answer-store">{live.answer_store} store</span>
          </dd>
          <dd className="mt-1 text-xs text-slate-500">
            {live.answers ? `${formatCount(live.answers.entries)} answers · ${formatBytes(live.answers.bytes)}` : "store did not answer"}
            {live.answer_store === "memory" && ` of ${formatBytes(live.max_memory_bytes)}`}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Embedder</dt>
          <dd className="mt-1 flex flex-wrap items-center gap-2">
            <Badge tone={!live.semantic_enabled ? "neutral" : e.ready ? (e.fallback ? "warn" : "good") : "warn"}>{!live.semantic_enabled ? "off" : e.ready ? (e.fallback ? "fallback" : "ready") : "not ready"}</Badge>
            <span data-testid="embedder-active" className="break-all">{e.active || e.configured}</span>
          </dd>
          <dd className="mt-1 text-xs text-slate-500">
            {e.dimensions > 0 ? `${e.dimensions} dimensions` : "dimensions unknown until loaded"}
            {e.active && e.active !== e.configured && ` · configured ${e.configured}`}
          </dd>
          {e.reason && <dd className="mt-1 text-xs text-amber-700">{e.reason}</dd>}
        </div>
        <div>
          <dt className="text-slate-500">Vector store</dt>
          <dd className="mt-1 flex flex-wrap items-center gap-2">
            <Badge tone={!live.semantic_enabled ? "neutral" : v.kind ? "good" : "warn"}>{!live.semantic_enabled ? "off" : (v.kind ?? "not chosen")}</Badge>
            {v.kind && <span className="text-xs text-slate-500">{v.shared ? "shared by every instance" : "this instance only"}</span>}
          </dd>
          <dd data-testid="vector-store-reason" className="mt-1 text-xs text-slate-500">
            {v.reason}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500" title="Counted by the gateway since its metrics started (with Redis: all instances)">Lookups since start</dt>
          {live.counters ? (
            <dd className="mt-1 text-xs text-slate-600 tabular-nums">
              {formatCount(live.counters.hit)} exact · {formatCount(live.counters.semantic_hit)} semantic · {formatCount(live.counters.miss)} miss · {formatCount(live.counters.bypass)} bypass
            </dd>
          ) : (
            <dd className="mt-1 text-xs text-slate-500">metrics store did not answer</dd>
          )}
        </div>
      </dl>
    </Card>
  );
}
