"use client";
import type { ReactNode } from "react";
import { useDashboardQuery } from "@/components/dashboard/api";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { QueryState, StaleNotice } from "@/components/ui/query-state";
import { formatCount, formatDateTime, formatMs, formatPct } from "@/lib/dashboard/format";
import type { HealthResponse, ProviderWindowJson } from "./types";

type Tone = "good" | "warn" | "bad" | "neutral";

function StatusPill({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span data-testid={testId}>
      <Badge tone={tone}>{children}</Badge>
    </span>
  );
}

function Row({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1.5 text-sm">
      <dt className="shrink-0 text-slate-500" title={title}>
        {label}
      </dt>
      <dd className="min-w-0 truncate text-right text-slate-900">{children}</dd>
    </div>
  );
}

function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function duration(s: number): string {
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

export function HealthView() {
  const q = useDashboardQuery<HealthResponse>("/api/dashboard/health", {}, { range: false });
  return (
    <>
      <PageHeader
        title="System health"
        description="This instance's dependencies, the providers' error rates and latency as seen by real traffic (no test calls are made), and what it runs. Load balancers should use /health and /health/readiness instead."
      />
      <StaleNotice error={q.data ? q.error : null} />
      <QueryState query={q} height="h-96">
        {(h) => <HealthBody h={h} />}
      </QueryState>
    </>
  );
}

function HealthBody({ h }: { h: HealthResponse }) {
  const db = h.database;
  const r = h.redis;
  return (
    <div className="space-y-6">
      {h.warnings.map((w) => (
        <p key={w} role="alert" data-testid="health-warning" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {w}
        </p>
      ))}
      <div className="grid gap-6 md:grid-cols-2 xl:grid-cols-4">
        <Card title="Database" testId="health-database" actions={<StatusPill testId="health-database-status" tone={db.status === "ok" ? "good" : "bad"}>{db.status === "ok" ? "OK" : "Unreachable"}</StatusPill>}>
          <dl>
            <Row label="Kind">{db.kind_label}</Row>
            <Row label="Location" title={db.location}>
              <span title={db.location}>{db.location}</span>
            </Row>
            {db.status === "ok" ? (
              <>
                <Row label="Round trip" title="A trivial query, timed from this instance">
                  {formatMs(db.round_trip_ms)}
                </Row>
                <Row label="Migrations">{formatCount(db.migrations_applied)}</Row>
                <Row label="Latest">
                  <span className="font-mono text-xs" title={db.latest_migration ?? undefined}>
                    {db.latest_migration ?? "—"}
                  </span>
                </Row>
                <Row label="pgvector">{db.vector ? "yes" : "no"}</Row>
              </>
            ) : (
              <p className="mt-2 text-sm text-rose-700">{db.error}</p>
            )}
          </dl>
        </Card>
        <Card
          title="Redis"
          testId="health-redis"
          actions={<StatusPill testId="health-redis-status" tone={r.status === "ok" ? "good" : r.status === "not_configured" ? "neutral" : "bad"}>{r.status === "ok" ? "OK" : r.status === "not_configured" ? "Not configured" : "Unreachable"}</StatusPill>}
        >
          {r.status === "ok" ? (
            <dl>
              <Row label="Ping">{formatMs(r.ping_ms)}</Row>
              <Row label="Version">{r.version ?? "—"}</Row>
              <Row label="Used memory">{r.used_memory_human ?? bytes(r.used_memory_bytes)}</Row>
            </dl>
          ) : (
            <p className={`text-sm ${r.status === "error" ? "text-rose-700" : "text-slate-600"}`}>{r.error ?? r.note}</p>
          )}
        </Card>
        <VectorStoreCard h={h} />
        <EmbedderCard h={h} />
      </div>
      <ProvidersCard h={h} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="This instance" testId="health-instance" subtitle={`Checked ${formatDateTime(h.checked_at)}`}>
          <dl className="grid gap-x-8 2xl:grid-cols-2">
            <Row label="Helix version">{h.instance.version}</Row>
            <Row label="Node.js">{h.instance.node}</Row>
            <Row label="Host">{h.instance.hostname}</Row>
            <Row label="PID">{h.instance.pid}</Row>
            <Row label="Platform">{h.instance.platform}</Row>
            <Row label="Started">{formatDateTime(h.instance.started_at)}</Row>
            <Row label="Uptime">{duration(h.instance.uptime_seconds)}</Row>
            <Row label="Memory (RSS)">{bytes(h.instance.rss_bytes)}</Row>
            <Row label="Heap used / total">{`${bytes(h.instance.heap_used_bytes)} / ${bytes(h.instance.heap_total_bytes)}`}</Row>
            <Row label="Log writer queued" title="Request-log rows waiting to be written in the next batch">
              {formatCount(h.instance.request_log_writer.queued)}
            </Row>
            <Row label="Log rows written">{formatCount(h.instance.request_log_writer.written)}</Row>
            <Row label="Failed flushes / dropped" title="Batches that failed (retried) and rows lost">
              <span className={h.instance.request_log_writer.dropped > 0 ? "text-rose-700" : undefined}>
                {formatCount(h.instance.request_log_writer.failed_flushes)} / {formatCount(h.instance.request_log_writer.dropped)}
              </span>
            </Row>
          </dl>
        </Card>
        <Card title="Configuration" testId="health-config">
          <dl>
            <Row label="Source">{h.config.path ? <span title={h.config.path} className="font-mono text-xs">{h.config.path}</span> : h.config.source}</Row>
            <Row label="Fingerprint" title="A hash of the effective config: instances showing the same value run the same settings">
              <span data-testid="health-config-hash" className="font-mono text-xs">
                {h.config.hash}
              </span>
            </Row>
            <Row label="Models in model_list">{h.config.models}</Row>
            <Row label="Store prompts">{h.config.store_prompts ? "on" : "off"}</Row>
            <Row label="Master key">{h.auth.master_key_set ? "set" : <span className="text-amber-700">not set</span>}</Row>
            <Row label="Dashboard policies" title="Policies edited in the dashboard (policy_versions), applied over the file">
              <span data-testid="health-policy-overlay">{overlay(h.config.policy_overlay)}</span>
            </Row>
            {h.config.policy_overlay.active && (
              <Row label="File-only fingerprint" title="The config file alone, without the dashboard's policies">
                <span className="font-mono text-xs">{h.config.file_hash}</span>
              </Row>
            )}
          </dl>
        </Card>
      </div>
    </div>
  );
}

function overlay(o: HealthResponse["config"]["policy_overlay"]): string {
  if (o.error) return `unknown (${o.error})`;
  if (!o.active && !o.latest_version) return "none (config file only)";
  const saved = o.latest_saved_at ? ` · saved ${formatDateTime(o.latest_saved_at)}${o.latest_saved_by ? ` by ${o.latest_saved_by}` : ""}` : "";
  // A save on another instance reaches this one within the poll interval.
  const pending = o.latest_version !== null && o.latest_version !== o.version_in_force ? ` (version ${o.latest_version} saved, applying)` : "";
  return `version ${o.version_in_force} in force${pending}${saved}`;
}

function WindowCells({ w }: { w: ProviderWindowJson }) {
  const tone = w.error_rate === null ? "" : w.error_rate >= 0.2 ? "text-rose-700 font-medium" : w.error_rate >= 0.05 ? "text-amber-700" : "";
  return (
    <>
      <td className="px-3 py-2 text-right tabular-nums">{formatCount(w.requests)}</td>
      <td className={`px-3 py-2 text-right tabular-nums ${tone}`}>{formatPct(w.error_rate)}</td>
      <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
        {formatMs(w.latency_p50_ms)} / {formatMs(w.latency_p95_ms)}
      </td>
    </>
  );
}

function ProvidersCard({ h }: { h: HealthResponse }) {
  const th = "whitespace-nowrap px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500";
  return (
    <Card title="Providers" subtitle="Passive: real traffic from the usage rollups (errors are every status ≥ 400, rate limits included); the last 5xx from the request log’s last 24 h." testId="health-providers">
      {h.providers.status === "error" ? (
        <p className="text-sm text-rose-700">Could not read provider figures: {h.providers.error}</p>
      ) : h.providers.list.length === 0 ? (
        <p data-testid="empty-state" className="text-sm text-slate-500">
          No providers configured and no traffic in the last 24 hours.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table data-testid="providers-table" className="min-w-full divide-y divide-slate-200 text-sm">
            <thead>
              <tr>
                <th className={`${th} text-left`} rowSpan={2}>
                  Provider
                </th>
                <th className={`${th} text-center`} colSpan={3}>
                  Last hour
                </th>
                <th className={`${th} text-center`} colSpan={3}>
                  Last 24 h
                </th>
                <th className={`${th} text-left`} rowSpan={2}>
                  Last 5xx
                </th>
              </tr>
              <tr>
                {[0, 1].map((i) => (
                  <FragmentHeaders key={i} th={th} />
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {h.providers.list.map((p) => (
                <tr key={p.provider} data-testid="provider-row" data-provider={p.provider}>
                  <td className="whitespace-nowrap px-3 py-2">
                    <span className="font-medium">{p.provider}</span>{" "}
                    {p.configured ? (
                      <span className="text-xs text-slate-500" title={p.models.join(", ")}>
                        {p.models.length} model{p.models.length === 1 ? "" : "s"}
                      </span>
                    ) : (
                      <Badge tone="neutral">not in config</Badge>
                    )}
                  </td>
                  <WindowCells w={p.last_hour} />
                  <WindowCells w={p.last_24h} />
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">
                    {p.last_error ? (
                      <span title={`${p.last_error.error_type ?? ""} · ${p.last_error.model} · ${p.last_error.request_id}`}>
                        {p.last_error.status} · {formatDateTime(p.last_error.at)}
                      </span>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function FragmentHeaders({ th }: { th: string }) {
  return (
    <>
      <th className={`${th} text-right`}>Requests</th>
      <th className={`${th} text-right`}>Errors</th>
      <th className={`${th} text-right`} title="Median / 95th percentile latency, from the rollups' histogram">
        p50 / p95
      </th>
    </>
  );
}

function VectorStoreCard({ h }: { h: HealthResponse }) {
  const v = h.vector_store;
  const [tone, label] = !h.semantic_cache_enabled
    ? (["neutral", "Semantic cache off"] as const)
    : v.status === "error"
      ? (["bad", "Unreachable"] as const)
      : v.kind
        ? (["good", v.kind] as const)
        : (["warn", "Not chosen yet"] as const);
  return (
    <Card title="Vector store" testId="health-vector-store" actions={<StatusPill testId="health-vector-store-status" tone={tone}>{label}</StatusPill>}>
      <dl>
        <Row label="Kind">{v.kind ?? "—"}</Row>
        <Row label="Shared across instances">{v.shared ? "yes" : "no"}</Row>
        {v.status === "ok" && (
          <Row label="Ping" title="A round trip to the store, timed from this instance now">
            {formatMs(v.ping_ms)}
          </Row>
        )}
      </dl>
      {v.status === "error" && <p className="mt-2 text-sm text-rose-700">{v.error}</p>}
      <p className="mt-2 text-xs text-slate-500">{v.reason}</p>
    </Card>
  );
}

function EmbedderCard({ h }: { h: HealthResponse }) {
  const e = h.embedder;
  // The latest call failed (and nothing has succeeded since): say so, whatever the load state says.
  const failing = e.last_error_at !== null && (e.last_ok_at === null || e.last_error_at > e.last_ok_at);
  const [tone, label] = !h.semantic_cache_enabled
    ? (["neutral", "Semantic cache off"] as const)
    : failing
      ? (["bad", "Failing"] as const)
      : e.ready
        ? e.fallback
          ? (["warn", "Fallback"] as const)
          : (["good", "Ready"] as const)
        : (["warn", "Not loaded"] as const);
  return (
    <Card title="Embedder" testId="health-embedder" actions={<StatusPill testId="health-embedder-status" tone={tone}>{label}</StatusPill>}>
      <dl>
        <Row label="Configured">{e.configured}</Row>
        <Row label="Active">{e.active ?? "—"}</Row>
        <Row label="Dimensions">{e.dimensions || "—"}</Row>
        <Row label="Calls (errors)" title="Embeddings this instance asked for since it started">
          {formatCount(e.calls)} ({formatCount(e.errors)})
        </Row>
        <Row label="Last latency" title="The latest successful embedding call">
          {e.last_latency_ms === null ? "—" : formatMs(e.last_latency_ms)}
        </Row>
      </dl>
      {e.last_error && (
        <p className="mt-2 text-sm text-rose-700" data-testid="health-embedder-error">
          Last error{e.last_error_at ? ` (${formatDateTime(e.last_error_at)})` : ""}: {e.last_error}
        </p>
      )}
      {e.reason && <p className="mt-2 text-xs text-slate-500">{e.reason}</p>}
    </Card>
  );
}
