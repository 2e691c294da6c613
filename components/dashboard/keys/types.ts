// Shapes of the /helix admin API responses the Keys & teams page reads (as served: JSON).

export interface CacheJson {
  enabled: boolean | null;
  similarity_threshold: number | null;
}

export interface KeyJson {
  id: string;
  name: string;
  keyPrefix: string;
  user: string | null;
  team: string | null;
  org: string | null;
  models: string[];
  cache: CacheJson;
  status: "active" | "revoked";
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedKeyJson extends Omit<KeyJson, "status" | "lastUsedAt" | "revokedAt"> {
  key: string;
}

export interface BudgetJson {
  scope: string;
  scope_id: string;
  max_budget_usd: number | null;
  period: "daily" | "weekly" | "monthly" | "days";
  period_days: number | null;
  period_label: string;
  timezone: string;
  soft: boolean;
  alert_thresholds: number[];
  rpm: number | null;
  tpm: number | null;
  period_start: string | null;
  reset_at: string | null;
  spend_usd: number | null;
  remaining_usd: number | null;
  used_pct: number | null;
  usage_unavailable?: boolean;
}

export interface AlertJson {
  id: string;
  scope: string;
  scope_id: string;
  threshold: number;
  spend_usd: number;
  limit_usd: number;
  percent: number;
  soft: boolean;
  period_start: string;
  created_at: string;
  delivery_status: string;
  last_error: string | null;
}

export interface TeamJson {
  id: string;
  name: string;
  org: string | null;
  cache: CacheJson;
  keyCount: number;
  createdAt: string;
}

export interface ApiUserJson {
  id: string;
  external_id: string;
  email: string | null;
  name: string | null;
  team_id: string | null;
  team: string | null;
  org: string | null;
  key_count: number;
  created_at: string;
}

export interface ListJson<T> {
  data: T[];
}
