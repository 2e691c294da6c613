import { DataTable, type Column } from "@/components/ui/data-table";
import { colorAt } from "@/components/charts/palette";
import { formatCount, formatPct, formatUsd } from "@/lib/dashboard/format";
import type { CostResponse, CostTotals } from "./types";

interface Row extends CostTotals {
  key: string;
  name: string;
  detail?: string;
  share: number | null;
  color: string;
}

/** Per-value totals under the spend chart: the top values, then other values, then unattributed requests. */
export function CostTable({ c }: { c: CostResponse }) {
  const rows: Row[] = c.groups.map((g, i) => ({ ...g, key: g.value, detail: g.known ? undefined : "deleted or unregistered", color: colorAt(i) }));
  if (c.other.requests > 0) rows.push({ ...c.other, key: "__other", name: `Other (${formatCount(c.other.values)} more)`, color: "#94a3b8" });
  if (c.unattributed.requests > 0) rows.push({ ...c.unattributed, key: "__unattributed", name: "Not attributed", detail: `requests without a ${c.dimension.replace("_", " ")}`, color: "#cbd5e1" });
  const columns: Column<Row>[] = [
    {
      header: "Name",
      cell: (r) => (
        <span className="flex items-center gap-2">
          <span aria-hidden className="inline-block h-2.5 w-2.5 shrink-0 rounded-sm" style={{ backgroundColor: r.color }} />
          <span className="max-w-72 truncate font-medium text-slate-800" title={r.key.startsWith("__") ? r.name : r.key}>
            {r.name}
          </span>
          {r.detail && <span className="max-w-48 truncate text-xs text-slate-400" title={r.detail}>{r.detail}</span>}
        </span>
      ),
    },
    { header: "Requests", align: "right", cell: (r) => formatCount(r.requests) },
    { header: "Tokens", align: "right", cell: (r) => formatCount(r.input_tokens + r.output_tokens) },
    { header: "Spend", align: "right", cell: (r) => <span data-testid={`cost-spend-${r.key}`}>{formatUsd(r.spend_usd)}</span> },
    { header: "Share", align: "right", cell: (r) => formatPct(r.share) },
    { header: "Saved", align: "right", cell: (r) => formatUsd(r.cache_savings_usd + r.swap_savings_usd) },
    { header: "Unpriced", align: "right", cell: (r) => (r.unknown_cost_requests > 0 ? formatCount(r.unknown_cost_requests) : "—") },
  ];
  return <DataTable testId="cost-table" rows={rows} columns={columns} rowKey={(r) => r.key} />;
}
