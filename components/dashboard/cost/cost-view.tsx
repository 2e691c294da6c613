"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { StatCard } from "@/components/ui/stat-card";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { colorAt } from "@/components/charts/palette";
import { useDashboardQuery } from "@/components/dashboard/api";
import { formatCount, formatUsd } from "@/lib/dashboard/format";
import { fillBuckets } from "@/lib/dashboard/series";
import { BudgetsSection } from "./budgets-section";
import { CostTable } from "./cost-table";
import { COST_DIMENSION_TABS, type CostDimensionId, type CostResponse } from "./types";

export function CostView() {
  const [dimension, setDimension] = useDimensionParam();
  // Totals, savings and unpriced requests do not depend on the dimension: they come from the
  // model breakdown (the same request as the chart's when "Model" is chosen), so switching the
  // dimension reloads only the chart and its table.
  const q = useDashboardQuery<CostResponse>("/api/dashboard/cost", { dimension: "model", top: 6 });
  const byDimension = useDashboardQuery<CostResponse>("/api/dashboard/cost", { dimension, top: 6 });
  return (
    <>
      <PageHeader title="Cost" description="What providers billed over the chosen range, by model, team, key or end user; budgets and their alerts; what the cache and model swaps saved; and requests Helix could not price." />
      <StaleNotice error={q.data ? q.error : null} />
      <div className="space-y-6">
        <QueryState query={q} height="h-24">
          {(c) => <CostStats c={c} />}
        </QueryState>
        <Card
          testId="card-spend-by"
          title="Spend over time"
          subtitle="Stacked by the top values of the chosen dimension; everything else as “Other”"
          actions={<DimensionTabs value={dimension} onChange={setDimension} />}
        >
          <QueryState query={byDimension} height="h-72" isEmpty={(c) => c.totals.requests === 0} empty="No requests in this range.">
            {(c) => <SpendByDimension c={c} />}
          </QueryState>
        </Card>
        <BudgetsSection />
        <div className="grid gap-6 lg:grid-cols-2">
          <Card testId="card-savings" title="Savings" subtitle="Cost avoided by cache hits and by model-swap rules, per bucket">
            <QueryState query={q} height="h-60">
              {(c) => <Savings c={c} />}
            </QueryState>
          </Card>
          <Card testId="card-unknown-prices" title="Requests without a price" subtitle="Recorded with cost “unknown”, not as $0">
            <QueryState query={q} height="h-60">
              {(c) => <UnknownPrices c={c} />}
            </QueryState>
          </Card>
        </div>
      </div>
    </>
  );
}

const isDimension = (v: string | null): v is CostDimensionId => COST_DIMENSION_TABS.some((t) => t.id === v);

/** The chosen breakdown lives in the URL (?dimension=team) like the range, so a view can be shared. */
function useDimensionParam(): [CostDimensionId, (d: CostDimensionId) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const raw = params.get("dimension");
  const set = (d: CostDimensionId) => {
    const next = new URLSearchParams(params.toString());
    next.set("dimension", d);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return [isDimension(raw) ? raw : "model", set];
}

function CostStats({ c }: { c: CostResponse }) {
  const t = c.totals;
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      <StatCard testId="stat-spend" label="Spend" value={formatUsd(t.spend_usd)} hint={`${formatCount(t.requests)} requests · ${formatCount(t.input_tokens + t.output_tokens)} tokens`} />
      <StatCard testId="stat-cache-savings" label="Saved by the cache" value={formatUsd(t.cache_savings_usd)} hint={`${formatCount(t.cache_hits)} cache hits`} />
      <StatCard testId="stat-swap-savings" label="Saved by model swaps" value={formatUsd(t.swap_savings_usd)} hint={`${formatCount(t.swaps)} swapped requests`} />
      <StatCard testId="stat-unknown-cost" label="Requests without a price" value={formatCount(t.unknown_cost_requests)} hint={t.unknown_cost_requests > 0 ? "their spend is not in the totals" : "every request was priced"} />
    </div>
  );
}

function DimensionTabs({ value, onChange }: { value: CostDimensionId; onChange: (d: CostDimensionId) => void }) {
  return (
    <div role="tablist" aria-label="Break spend down by" className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
      {COST_DIMENSION_TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={value === t.id}
          data-testid={`dimension-${t.id}`}
          onClick={() => onChange(t.id)}
          className={`rounded-md px-2.5 py-1 text-xs font-medium ${value === t.id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function SpendByDimension({ c }: { c: CostResponse }) {
  // Series keys are positions, not values: a model name like "gpt-4.1" would read as a path in recharts.
  const keys = c.groups.map((_, i) => `v${i}`);
  const rows = fillBuckets(
    c.series.map((b) => ({ bucket: b.bucket, other: b.other_usd, ...Object.fromEntries(c.groups.map((g, i) => [keys[i], b.by_value[g.value] ?? 0])) })),
    c.from,
    c.to,
    c.granularity,
    [...keys, "other"],
  );
  const hasOther = c.series.some((b) => b.other_usd > 0);
  const series = [...c.groups.map((g, i) => ({ key: keys[i], label: g.name, color: colorAt(i) })), ...(hasOther ? [{ key: "other", label: "Other", color: "#94a3b8" }] : [])];
  return (
    <div className="space-y-6">
      <TimeSeriesChart testId="chart-spend-by" rows={rows} granularity={c.granularity} kind="bar" stacked series={series} format={formatUsd} height={280} />
      <CostTable c={c} />
    </div>
  );
}

function Savings({ c }: { c: CostResponse }) {
  const rows = fillBuckets(
    c.series.map((b) => ({ bucket: b.bucket, cache_savings_usd: b.cache_savings_usd, swap_savings_usd: b.swap_savings_usd })),
    c.from,
    c.to,
    c.granularity,
    ["cache_savings_usd", "swap_savings_usd"],
  );
  const t = c.totals;
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-3 gap-4 text-sm">
        <div>
          <dt className="text-slate-500">Cache</dt>
          <dd data-testid="savings-cache" className="text-xl font-semibold tabular-nums">{formatUsd(t.cache_savings_usd)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Model swaps</dt>
          <dd data-testid="savings-swaps" className="text-xl font-semibold tabular-nums">{formatUsd(t.swap_savings_usd)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Total saved</dt>
          <dd data-testid="savings-total" className="text-xl font-semibold tabular-nums">{formatUsd(t.cache_savings_usd + t.swap_savings_usd)}</dd>
        </div>
      </dl>
      <TimeSeriesChart
        testId="chart-savings"
        rows={rows}
        granularity={c.granularity}
        stacked
        series={[
          { key: "cache_savings_usd", label: "Cache", color: "#059669" },
          { key: "swap_savings_usd", label: "Model swaps", color: "#0891b2" },
        ]}
        format={formatUsd}
        height={200}
      />
    </div>
  );
}

function UnknownPrices({ c }: { c: CostResponse }) {
  const total = c.totals.unknown_cost_requests;
  return (
    <div className="space-y-4 text-sm">
      <p>
        <span data-testid="unknown-total" className="text-2xl font-semibold tabular-nums text-slate-900">{formatCount(total)}</span>
        <span className="ml-2 text-slate-500">requests in this range had no known price</span>
      </p>
      {c.unknown_by_model.length > 0 && (
        <ul data-testid="unknown-by-model" className="divide-y divide-slate-100">
          {c.unknown_by_model.map((m) => (
            <li key={m.model} className="flex justify-between py-1.5">
              <code className="truncate text-slate-800">{m.model}</code>
              <span className="tabular-nums text-slate-700">{formatCount(m.requests)}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="rounded-lg bg-slate-50 p-3 text-xs text-slate-600">
        <p className="font-medium text-slate-700">Add a price (USD per million tokens)</p>
        <p className="mt-1">
          In the dashboard&apos;s API: <code>POST /helix/prices</code> with <code>{`{"model": "${c.unknown_by_model[0]?.model ?? "my-model"}", "input_per_mtok": 0.5, "output_per_mtok": 1.5}`}</code>, or in
          helix.yaml under <code>cost_optimization.prices</code>. Requests are priced from then on; past ones stay “unknown”.
        </p>
      </div>
    </div>
  );
}
