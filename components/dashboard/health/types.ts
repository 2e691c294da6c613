// GET /api/dashboard/health, as the page reads it.
export interface ProviderWindowJson {
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface HealthResponse {
  checked_at: string;
  warnings: string[];
  auth: { master_key_set: boolean };
  database: {
    status: "ok" | "error";
    kind: string;
    kind_label: string;
    location: string;
    vector?: boolean;
    round_trip_ms?: number;
    migrations_applied?: number;
    latest_migration?: string | null;
    error?: string;
  };
  redis: { status: "ok" | "error" | "not_configured"; ping_ms?: number; version?: string | null; used_memory_bytes?: number | null; used_memory_human?: string | null; error?: string; note?: string };
  semantic_cache_enabled: boolean;
  /** status: a live ping of the store now (not_configured while the semantic cache is off). */
  vector_store: { kind: string | null; reason: string; shared: boolean; status: "ok" | "error" | "not_configured"; ping_ms?: number; error?: string };
  embedder: {
    configured: string;
    active: string | null;
    dimensions: number;
    fallback: boolean;
    ready: boolean;
    reason: string | null;
    /** This process's embedding calls: how many, how many failed, the latest success and failure. */
    calls: number;
    errors: number;
    last_ok_at: string | null;
    last_latency_ms: number | null;
    last_error_at: string | null;
    last_error: string | null;
  };
  providers: {
    status: "ok" | "error";
    error?: string;
    list: Array<{
      provider: string;
      configured: boolean;
      models: string[];
      last_hour: ProviderWindowJson;
      last_24h: ProviderWindowJson;
      last_error: { at: string; status: number; error_type: string | null; model: string; request_id: string } | null;
    }>;
  };
  instance: {
    version: string;
    node: string;
    pid: number;
    hostname: string;
    platform: string;
    started_at: string;
    uptime_seconds: number;
    rss_bytes: number;
    heap_used_bytes: number;
    heap_total_bytes: number;
    request_log_writer: { queued: number; written: number; failed_flushes: number; dropped: number };
  };
  config: {
    path: string | null;
    source: string;
    hash: string;
    file_hash: string;
    models: number;
    store_prompts: boolean;
    policy_overlay: { active: boolean; version_in_force: number; latest_version: number | null; latest_saved_at: string | null; latest_saved_by: string | null; error: string | null };
  };
}
