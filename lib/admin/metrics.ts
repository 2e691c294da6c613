// GET /helix/metrics?range=24h: the dashboard overview's figures for the range (all instances, from
// the rollups) plus this instance's live counters since it started (admin: master key or session).
import "server-only";
import { requireAdmin } from "@/lib/auth/caller";
import { overview } from "@/lib/metrics/overview";
import { liveCounters } from "@/lib/metrics/prometheus";
import { getDb } from "@/lib/store/db";
import { present } from "./dashboard-overview";
import { parseRange } from "./dashboard-range";

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;

export async function metricsResponse(request: Request) {
  await requireAdmin(request, { read: true });
  const { range, rangeMs, to } = parseRange(request);
  const [o, live] = await Promise.all([getDb().then((db) => overview(db, rangeMs, to)), liveCounters()]);
  return {
    object: "helix.metrics",
    range,
    from: o.from.toISOString(),
    to: o.to.toISOString(),
    overview: present(o.current),
    instance: {
      started_at: live.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - live.startedAt.getTime()) / 1000),
      in_flight: live.inFlight,
      requests: live.requests,
      errors: live.errors,
      requests_by_status: live.byStatus,
      cache_hits: live.cacheHits,
      input_tokens: live.tokens.input,
      output_tokens: live.tokens.output,
      cached_input_tokens: live.tokens.cached_input,
      reasoning_tokens: live.tokens.reasoning,
      cost_usd: round(live.costUsd),
      cache_savings_usd: round(live.savingsUsd.cache),
      swap_savings_usd: round(live.savingsUsd.swap),
      upstream_errors: live.upstreamErrors,
      upstream_retries: live.upstreamRetries,
      budget_rejections: live.budgetRejections,
      rate_limit_rejections: live.rateLimitRejections,
    },
  };
}
