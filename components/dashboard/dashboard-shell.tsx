"use client";
// The frame around every dashboard page: sidebar navigation (keeping the time range), the range
// picker, live-refresh note, who is signed in, sign-out.
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useIsFetching } from "@tanstack/react-query";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { DASHBOARD_NAV } from "@/lib/dashboard/nav";
import { DashboardProviders, useDashboard, type DashboardViewer } from "./dashboard-context";
import { RangePicker } from "./range-picker";
import { useDashboardRange } from "./use-dashboard-range";

export function DashboardShell({ user, refreshSeconds, children }: { user: DashboardViewer; refreshSeconds: number; children: ReactNode }) {
  return (
    <DashboardProviders user={user} refreshSeconds={refreshSeconds}>
      <div className="flex min-h-screen">
        <Sidebar />
        <div className="flex min-w-0 flex-1 flex-col">
          <TopBar />
          <main className="mx-auto w-full max-w-7xl flex-1 px-6 py-6">{children}</main>
        </div>
      </div>
    </DashboardProviders>
  );
}

function Sidebar() {
  const pathname = usePathname();
  const range = useDashboardRange();
  const { user } = useDashboard();
  return (
    <nav aria-label="Dashboard" className="hidden w-56 shrink-0 border-r border-slate-200 bg-white px-3 py-5 md:block">
      <Link href="/dashboard" className="mb-6 flex items-center gap-2 px-2 text-lg font-semibold text-slate-900">
        <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-indigo-500 to-emerald-500" />
        Helix
      </Link>
      <ul className="space-y-0.5">
        {DASHBOARD_NAV.filter((item) => !item.adminOnly || user.role === "admin").map((item) => {
          const active = item.href === "/dashboard" ? pathname === "/dashboard" : pathname.startsWith(item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.noRange ? item.href : `${item.href}?range=${range}`}
                aria-current={active ? "page" : undefined}
                className={`block rounded-md px-2 py-1.5 text-sm ${active ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function TopBar() {
  const { user, refreshMs } = useDashboard();
  const fetching = useIsFetching();
  const pathname = usePathname();
  const showRange = !DASHBOARD_NAV.find((i) => i.href === pathname)?.noRange;
  return (
    <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-6 py-3">
      <div className="flex items-center gap-4">
        {showRange && <RangePicker />}
        <span data-testid="refresh-interval" className="text-xs text-slate-500" title="dashboard.refresh_interval in helix.yaml">
          <span aria-hidden className={`mr-1 inline-block h-2 w-2 rounded-full ${fetching > 0 ? "bg-emerald-500" : "bg-slate-300"}`} />
          Live · every {refreshMs / 1000}s
        </span>
      </div>
      <div className="flex items-center gap-3 text-sm text-slate-600">
        <span data-testid="signed-in-as">
          {user.email} <span className="text-slate-400">({user.role})</span>
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}
