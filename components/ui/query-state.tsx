import type { ReactNode } from "react";

/** Loading, error and empty states for a block of data, with the content once there is some. */
export function QueryState<T>({
  query,
  isEmpty,
  empty = "No data in this range yet.",
  children,
  height = "h-40",
}: {
  query: { data: T | undefined; error: { message: string } | null; isPending: boolean; refetch: () => unknown };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
  height?: string;
}) {
  if (query.isPending && query.data === undefined) {
    return <div role="status" aria-label="Loading" className={`${height} animate-pulse rounded-lg bg-slate-100`} />;
  }
  if (query.error && query.data === undefined) {
    return (
      <div role="alert" className={`${height} flex flex-col items-center justify-center gap-2 rounded-lg border border-rose-200 bg-rose-50 p-4 text-center text-sm text-rose-800`}>
        <span>Could not load this: {query.error.message}</span>
        <button type="button" onClick={() => void query.refetch()} className="rounded-md border border-rose-300 bg-white px-2 py-1 text-xs font-medium hover:bg-rose-100">
          Retry
        </button>
      </div>
    );
  }
  const data = query.data as T;
  if (isEmpty?.(data)) {
    return <div data-testid="empty-state" className={`${height} flex items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500`}>{empty}</div>;
  }
  return <>{children(data)}</>;
}

/** A failed refresh while older figures are still shown: say so, quietly. */
export function StaleNotice({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return <p role="status" className="text-xs text-amber-700">Refresh failed ({error.message}); showing the last figures.</p>;
}
