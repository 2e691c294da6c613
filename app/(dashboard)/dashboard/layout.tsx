import type { ReactNode } from "react";
import { DashboardShell } from "@/components/dashboard/dashboard-shell";
import { dashboardLayout } from "@/lib/auth/page-guards";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  return <DashboardShell {...await dashboardLayout()}>{children}</DashboardShell>;
}
