"use client";
// The page's time range lives in the URL (?range=7d), so a view can be shared and survives reloads.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { DEFAULT_RANGE, isDashboardRange, type DashboardRange } from "@/lib/dashboard/ranges";

export function useDashboardRange(): DashboardRange {
  const r = useSearchParams().get("range");
  return isDashboardRange(r) ? r : DEFAULT_RANGE;
}

export function useSetDashboardRange(): (range: DashboardRange) => void {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  return useCallback(
    (range: DashboardRange) => {
      const next = new URLSearchParams(params.toString());
      next.set("range", range);
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    },
    [router, pathname, params],
  );
}
