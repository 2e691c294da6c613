// The log explorer API's JSON (app/api/dashboard/logs), as the page reads it.
export interface LogListRow {
  id: string;
  created_at: string;
  endpoint: string;
  api_key_id: string | null;
  key_name: string | null;
  key_prefix: string | null;
  key_hash: string | null;
  team_id: string | null;
  team_name: string | null;
  end_user: string | null;
  requested_model: string;
  served_model: string | null;
  provider: string | null;
  status: number;
  error_type: string | null;
  stream: boolean;
  cache_status: string | null;
  cache_similarity: number | null;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  cost_status: string | null;
}

export interface LogListResponse {
  object: "list";
  range: string | null;
  from: string;
  to: string;
  data: LogListRow[];
  has_more: boolean;
  next_cursor: string | null;
  partial: boolean;
  searched_to: string | null;
  scanned: number;
}

export interface LogDetailResponse extends Omit<LogListRow, "cost_usd"> {
  user_id: string | null;
  org_id: string | null;
  error_message: string | null;
  cache_saved_ms: number | null;
  attempts: number;
  upstream_latency_ms: number | null;
  ttft_ms: number | null;
  cached_input_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  price_source: string | null;
  cache_savings_usd: number | null;
  swap_savings_usd: number | null;
  swap_rule: string | null;
  swap_reason: string | null;
  pii_incidents: Array<{ entity_type: string; count: number; action: string; policy: string; recognizer: string; score: number; location: string }>;
  store_prompts: boolean;
  prompt_stored: boolean;
  prompt: unknown;
  response: unknown;
  prompt_note: string | null;
}

export const LOG_FILTER_KEYS = ["key", "team", "model", "status", "cache", "end_user"] as const;
export type LogFilterKey = (typeof LOG_FILTER_KEYS)[number];
export type LogFilterValues = Partial<Record<LogFilterKey, string>>;
