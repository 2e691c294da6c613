// A ranked list with proportional bars (leaderboards, breakdowns): readable at any count, no axes.
import { colorAt } from "./palette";

export interface BarListItem {
  key: string;
  label: string;
  value: number;
  detail?: string;
}

export function BarList({ items, format, testId, color = colorAt(0) }: { items: readonly BarListItem[]; format: (v: number) => string; testId?: string; color?: string }) {
  const max = Math.max(0, ...items.map((i) => i.value));
  return (
    <ol data-testid={testId} className="space-y-2">
      {items.map((item) => (
        <li key={item.key} className="text-sm">
          <div className="flex items-baseline justify-between gap-3">
            <span className="truncate text-slate-800" title={item.label}>
              {item.label}
            </span>
            <span className="shrink-0 tabular-nums text-slate-700">
              {format(item.value)}
              {item.detail && <span className="ml-2 text-xs text-slate-500">{item.detail}</span>}
            </span>
          </div>
          <div className="mt-1 h-1.5 rounded-full bg-slate-100">
            <div className="h-1.5 rounded-full" style={{ width: `${max > 0 ? Math.max(1, (item.value / max) * 100) : 0}%`, backgroundColor: color }} />
          </div>
        </li>
      ))}
    </ol>
  );
}
