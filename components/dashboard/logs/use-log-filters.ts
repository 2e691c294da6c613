"use client";
// The explorer's filters live in the URL next to ?range=, so a filtered view can be shared.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { LOG_FILTER_KEYS, type LogFilterKey, type LogFilterValues } from "./types";

export function useLogFilters(): [LogFilterValues, (patch: LogFilterValues | null) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const values = useMemo(() => {
    const v: LogFilterValues = {};
    for (const k of LOG_FILTER_KEYS) {
      const x = params.get(k);
      if (x) v[k] = x;
    }
    return v;
  }, [params]);
  const set = useCallback(
    (patch: LogFilterValues | null) => {
      const next = new URLSearchParams(params.toString());
      // null clears every filter (the range stays).
      const entries = patch === null ? LOG_FILTER_KEYS.map((k) => [k, ""] as const) : (Object.entries(patch) as Array<[LogFilterKey, string | undefined]>);
      for (const [k, v] of entries) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      const q = next.toString();
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [params, router, pathname],
  );
  return [values, set];
}
