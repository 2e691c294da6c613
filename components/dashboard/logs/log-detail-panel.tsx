"use client";
import type { ReactNode } from "react";
import { useDashboardQuery } from "@/components/dashboard/api";
import { Badge } from "@/components/ui/badge";
import { QueryState } from "@/components/ui/query-state";
import { formatCount, formatMs, formatUsd } from "@/lib/dashboard/format";
import { CacheBadge, StatusBadge, formatLogTime } from "./log-badges";
import type { LogDetailResponse } from "./types";

function Field({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500" title={title}>
        {label}
      </dt>
      <dd className="truncate text-sm text-slate-900">{children ?? "—"}</dd>
    </div>
  );
}

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "—" : v);

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-t border-slate-100 pt-4">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </section>
  );
}

export function LogDetailPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const q = useDashboardQuery<LogDetailResponse>(`/api/dashboard/logs/${encodeURIComponent(id)}`, {}, { range: false, live: false });
  return (
    <aside data-testid="log-detail" aria-label="Request detail" className="fixed inset-y-0 right-0 z-30 flex w-full max-w-xl flex-col border-l border-slate-200 bg-white shadow-xl">
      <header className="flex items-center justify-between border-b border-slate-200 px-5 py-3">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-slate-900">Request</h2>
          <p className="truncate font-mono text-xs text-slate-500" data-testid="log-detail-id">
            {id}
          </p>
        </div>
        <button type="button" data-testid="log-detail-close" onClick={onClose} className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100" aria-label="Close">
          ✕
        </button>
      </header>
      <div className="flex-1 overflow-y-auto px-5 py-4">
        <QueryState query={q} height="h-64">
          {(d) => (
            <div className="space-y-4">
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
                <Field label="Time">{d.created_at ? formatLogTime(d.created_at) : "—"}</Field>
                <Field label="Status">
                  <StatusBadge status={d.status} />
                </Field>
                <Field label="Endpoint">{d.endpoint}</Field>
                <Field label="Requested model">{d.requested_model}</Field>
                <Field label="Served model">{dash(d.served_model)}</Field>
                <Field label="Provider">{dash(d.provider)}</Field>
                <Field label="Key">{d.key_name ? `${d.key_name}${d.key_prefix ? ` (${d.key_prefix}…)` : ""}` : dash(d.api_key_id ?? (d.key_hash ? `hash ${d.key_hash}…` : null))}</Field>
                <Field label="Team">{dash(d.team_name ?? d.team_id)}</Field>
                <Field label="End user">{dash(d.end_user)}</Field>
                <Field label="Stream">{d.stream ? "yes" : "no"}</Field>
                <Field label="Attempts" title="Provider calls made (retries and fallbacks included)">
                  {d.attempts}
                </Field>
              </dl>
              {(d.error_type || d.error_message) && (
                <Section title="Error">
                  <p data-testid="log-detail-error" className="rounded-md bg-rose-50 p-3 text-sm text-rose-800">
                    <span className="font-medium">{d.error_type ?? "error"}</span>
                    {d.error_message ? `: ${d.error_message}` : ""}
                  </p>
                </Section>
              )}
              <Section title="Timing">
                <dl className="grid grid-cols-3 gap-3">
                  <Field label="Latency" title="From request to last byte, at the gateway">
                    {formatMs(d.latency_ms)}
                  </Field>
                  <Field label="Upstream" title="Time spent waiting on the provider">
                    {formatMs(d.upstream_latency_ms)}
                  </Field>
                  <Field label="Time to first token">{formatMs(d.ttft_ms)}</Field>
                </dl>
              </Section>
              <Section title="Cache">
                <dl className="grid grid-cols-3 gap-3">
                  <Field label="Status">
                    <CacheBadge status={d.cache_status} />
                  </Field>
                  <Field label="Similarity">{d.cache_similarity === null ? "—" : d.cache_similarity.toFixed(4)}</Field>
                  <Field label="Latency saved" title="The original answer's upstream latency, avoided by the hit">
                    {formatMs(d.cache_saved_ms)}
                  </Field>
                </dl>
              </Section>
              <Section title="Tokens and cost">
                <dl className="grid grid-cols-3 gap-3">
                  <Field label="Input tokens">{formatCount(d.input_tokens)}</Field>
                  <Field label="Output tokens">{formatCount(d.output_tokens)}</Field>
                  <Field label="Cached / reasoning">{`${formatCount(d.cached_input_tokens)} / ${formatCount(d.reasoning_tokens)}`}</Field>
                  <Field label="Cost">{formatUsd(d.cost_usd)}</Field>
                  <Field label="Cost status" title="priced · estimated (Helix counted tokens) · unknown (no price) · none">
                    {dash(d.cost_status)}
                  </Field>
                  <Field label="Price source">{dash(d.price_source)}</Field>
                  <Field label="Cache savings">{formatUsd(d.cache_savings_usd)}</Field>
                  <Field label="Swap savings">{formatUsd(d.swap_savings_usd)}</Field>
                  <Field label="Swap rule" title={d.swap_reason ?? undefined}>
                    {dash(d.swap_rule)}
                  </Field>
                </dl>
                {d.swap_reason && <p className="mt-2 text-xs text-slate-600">Swap reason: {d.swap_reason}</p>}
              </Section>
              <Section title="PII">
                {d.pii_incidents.length === 0 ? (
                  <p className="text-sm text-slate-500">No PII detected.</p>
                ) : (
                  <ul data-testid="log-detail-pii" className="space-y-1 text-sm">
                    {d.pii_incidents.map((p, i) => (
                      <li key={i} className="flex flex-wrap items-center gap-2">
                        <Badge tone="warn">{p.entity_type}</Badge>
                        <span>×{p.count}</span>
                        <span className="text-slate-600">{p.action}</span>
                        <span className="text-xs text-slate-400">
                          in {p.location} · {p.policy}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Prompt and response">
                {d.prompt_stored ? (
                  <div className="space-y-2">
                    <pre data-testid="log-detail-prompt" className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 text-xs">
                      {JSON.stringify(d.prompt, null, 2)}
                    </pre>
                    <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 text-xs">{JSON.stringify(d.response, null, 2)}</pre>
                  </div>
                ) : (
                  <p data-testid="log-detail-prompt-note" className="text-sm text-slate-500">
                    {d.prompt_note}
                  </p>
                )}
              </Section>
            </div>
          )}
        </QueryState>
      </div>
    </aside>
  );
}
