"use client";
// A bar chart over a fixed set of categories (hours of the day, days of the week).
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { colorAt } from "@/components/charts/palette";

export function PatternChart({
  rows,
  format,
  testId,
  height = 220,
  color = colorAt(0),
}: {
  rows: Array<{ label: string; value: number; title: string }>;
  format: (v: number) => string;
  testId: string;
  height?: number;
  color?: string;
}) {
  return (
    <div data-testid={testId} style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#64748b" }} interval="preserveStartEnd" minTickGap={8} />
          <YAxis tickFormatter={(v: number) => format(v)} tick={{ fontSize: 11, fill: "#64748b" }} width={56} />
          <Tooltip labelFormatter={(_, payload) => String(payload?.[0]?.payload?.title ?? "")} formatter={(v) => [format(Number(v)), "Requests"]} contentStyle={{ fontSize: 12 }} />
          <Bar dataKey="value" fill={color} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
