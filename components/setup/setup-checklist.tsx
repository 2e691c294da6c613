import type { SetupItem } from "@/lib/setup/status";

const badge: Record<SetupItem["state"], string> = {
  ok: "bg-emerald-100 text-emerald-800",
  default: "bg-slate-200 text-slate-700",
  warning: "bg-amber-100 text-amber-900",
};
const badgeText: Record<SetupItem["state"], string> = { ok: "configured", default: "default", warning: "action needed" };

export function SetupChecklist({ items }: { items: SetupItem[] }) {
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {items.map((item) => (
        <li key={item.id} data-testid={`setup-${item.id}`} className="flex items-start gap-4 p-4">
          <span className={`mt-0.5 shrink-0 rounded px-2 py-0.5 text-xs font-medium ${badge[item.state]}`}>{badgeText[item.state]}</span>
          <div>
            <p className="font-medium">{item.label}</p>
            <p className="text-sm text-slate-600">{item.detail}</p>
            {item.hint ? <p className="mt-1 text-sm text-slate-500">{item.hint}</p> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
