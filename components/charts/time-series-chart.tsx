"use client";
// A time series over the dashboard's range: prepared rows in (lib/dashboard/series.ts fills the
// gaps), a recharts area/line/bar chart out. Pure render: no fetching here.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatBucket } from "@/lib/dashboard/format";
import type { Granularity } from "@/lib/dashboard/ranges";
import type { SeriesRow } from "@/lib/dashboard/series";
import { colorAt } from "./palette";

export interface SeriesSpec {
  key: string;
  label: string;
  color?: string;
}

export function TimeSeriesChart({
  rows,
  series,
  granularity,
  kind = "area",
  stacked = false,
  format = (v) => String(v),
  height = 240,
  testId,
}: {
  rows: SeriesRow[];
  series: SeriesSpec[];
  granularity: Granularity;
  kind?: "area" | "line" | "bar";
  stacked?: boolean;
  format?: (value: number) => string;
  height?: number;
  testId?: string;
}) {
  const common = { data: rows, margin: { top: 4, right: 8, bottom: 0, left: 0 } };
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="bucket" tickFormatter={(v: string) => formatBucket(v, granularity)} tick={{ fontSize: 11, fill: "#64748b" }} minTickGap={24} />
      <YAxis tickFormatter={(v: number) => format(v)} tick={{ fontSize: 11, fill: "#64748b" }} width={64} />
      <Tooltip
        labelFormatter={(v) => `${formatBucket(String(v), granularity)}${granularity === "day" ? "" : " UTC"}`}
        formatter={(v, name) => [format(Number(v)), name]}
        contentStyle={{ fontSize: 12 }}
      />
      {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
    </>
  );
  const stackId = stacked ? "s" : undefined;
  return (
    <div data-testid={testId} style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        {kind === "bar" ? (
          <BarChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color ?? colorAt(i)} stackId={stackId} isAnimationActive={false} />
            ))}
          </BarChart>
        ) : kind === "line" ? (
          <LineChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color ?? colorAt(i)} dot={false} strokeWidth={2} isAnimationActive={false} />
            ))}
          </LineChart>
        ) : (
          <AreaChart {...common}>
            {axes}
            {series.map((s, i) => (
              <Area key={s.key} dataKey={s.key} name={s.label} stroke={s.color ?? colorAt(i)} fill={s.color ?? colorAt(i)} fillOpacity={0.15} stackId={stackId} isAnimationActive={false} />
            ))}
          </AreaChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
