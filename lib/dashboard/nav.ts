// The dashboard's pages, in the order the sidebar lists them.
export interface NavItem {
  href: string;
  label: string;
  /** Hidden from viewers (the pages and their APIs refuse them anyway). */
  adminOnly?: boolean;
  /** The page has no use for the time range. */
  noRange?: boolean;
}

export const DASHBOARD_NAV: readonly NavItem[] = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/cost", label: "Cost" },
  { href: "/dashboard/cache", label: "Cache" },
  { href: "/dashboard/pii", label: "PII incidents" },
  { href: "/dashboard/leaderboards", label: "Leaderboards" },
  { href: "/dashboard/logs", label: "Request log" },
  { href: "/dashboard/health", label: "System health", noRange: true },
  { href: "/dashboard/policies", label: "Policies", noRange: true },
  { href: "/dashboard/keys", label: "Keys & teams", noRange: true },
  { href: "/dashboard/users", label: "Users", adminOnly: true, noRange: true },
];
