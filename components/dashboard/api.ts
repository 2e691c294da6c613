"use client";
// Fetching for dashboard pages: same-origin JSON with the session cookie, OpenAI-shaped errors
// turned into ApiError (the message says what to fix), a lost session sent back to sign-in.
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useDashboard } from "./dashboard-context";
import { useDashboardRange } from "./use-dashboard-range";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string | null,
    readonly code?: string | null,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  const text = await res.text();
  const body = text ? safeJson(text) : null;
  if (!res.ok) {
    if (res.status === 401 && typeof window !== "undefined") {
      // A full navigation on purpose: the sign-in page is server-rendered and resets client state.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign(`/login?callbackUrl=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
    const e = (body as { error?: { message?: string; param?: string; code?: string } } | null)?.error;
    throw new ApiError(res.status, e?.message ?? `Request failed with status ${res.status}.`, e?.param, e?.code);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Build `path?range=…&k=v` from params (undefined and empty values left out). */
export function withParams(path: string, params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/**
 * GET `path` with the page's time range (unless `range: false`), refreshed every
 * dashboard.refresh_interval seconds while the tab is visible.
 */
export function useDashboardQuery<T>(
  path: string,
  params: Record<string, string | number | boolean | undefined | null> = {},
  opts: { range?: boolean; live?: boolean; enabled?: boolean } = {},
): UseQueryResult<T, ApiError> {
  const { refreshMs } = useDashboard();
  const range = useDashboardRange();
  const url = withParams(path, opts.range === false ? params : { range, ...params });
  return useQuery<T, ApiError>({
    queryKey: [url],
    queryFn: ({ signal }) => fetchJson<T>(url, { signal }),
    refetchInterval: opts.live === false ? false : refreshMs,
    refetchIntervalInBackground: false,
    enabled: opts.enabled ?? true,
  });
}

/** A write (POST/PUT/PATCH/DELETE) that refreshes every dashboard query when it succeeds. */
export function useDashboardMutation<TBody, TResult = unknown>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string | ((body: TBody) => string)) {
  const qc = useQueryClient();
  return useMutation<TResult, ApiError, TBody>({
    mutationFn: (body) =>
      fetchJson<TResult>(typeof path === "function" ? path(body) : path, {
        method,
        ...(body === undefined || method === "DELETE" ? {} : { body: JSON.stringify(body) }),
      }),
    onSuccess: () => void qc.invalidateQueries(),
  });
}
