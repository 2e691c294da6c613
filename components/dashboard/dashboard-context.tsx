"use client";
// What every dashboard page needs on the client: the signed-in user, the refresh interval and the
// query client (one per browser tab).
import { createContext, useContext, useState, type ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

export interface DashboardViewer {
  email: string;
  role: "admin" | "viewer";
}

interface DashboardContextValue {
  user: DashboardViewer;
  refreshMs: number;
}

const Ctx = createContext<DashboardContextValue | null>(null);

export function DashboardProviders({ user, refreshSeconds, children }: { user: DashboardViewer; refreshSeconds: number; children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Keep showing the last figures while a refresh is in flight; retry once (the server is local).
          queries: { retry: 1, staleTime: 1_000, refetchOnWindowFocus: true, placeholderData: (prev: unknown) => prev },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <Ctx.Provider value={{ user, refreshMs: Math.max(1, refreshSeconds) * 1000 }}>{children}</Ctx.Provider>
    </QueryClientProvider>
  );
}

export function useDashboard(): DashboardContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useDashboard outside DashboardProviders");
  return v;
}

/** True for admins: pages show edit controls only to them (the server refuses viewers anyway). */
export function useCanEdit(): boolean {
  return useDashboard().user.role === "admin";
}
