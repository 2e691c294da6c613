// GET /api/dashboard/overview?range=24h: the overview page's figures (any signed-in role).
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { overview, type OverviewFigures } from "@/lib/metrics/overview";
import { parseRange } from "./dashboard-range";
import { getDb } from "@/lib/store/db";
import { usdFromMicros as usd } from "@/lib/cost/usd";

export function present(f: OverviewFigures) {
  return {
    requests: f.requests,
    errors: f.errors,
    error_rate: f.errorRate,
    spend_usd: usd(f.spendMicros),
    cache_hits: f.cacheHits,
    semantic_hits: f.semanticHits,
    cache_hit_rate: f.cacheHitRate,
    cache_savings_usd: usd(f.cacheSavingsMicros),
    swap_savings_usd: usd(f.swapSavingsMicros),
    unknown_cost_requests: f.unknownCostRequests,
    input_tokens: f.inputTokens,
    output_tokens: f.outputTokens,
    pii_detections: f.piiDetections,
    latency_p50_ms: f.latencyP50Ms,
    latency_p95_ms: f.latencyP95Ms,
  };
}

export async function overviewResponse(request: Request) {
  await requireDashboardSession(request);
  const { range, rangeMs, to } = parseRange(request);
  const o = await overview(await getDb(), rangeMs, to);
  return {
    object: "dashboard.overview",
    range,
    from: o.from.toISOString(),
    to: o.to.toISOString(),
    granularity: o.granularity,
    current: present(o.current),
    previous: present(o.previous),
    series: o.series.map((s) => ({ bucket: s.bucket.toISOString(), requests: s.requests, errors: s.errors, spend_usd: usd(s.spendMicros), cache_hits: s.cacheHits })),
  };
}
