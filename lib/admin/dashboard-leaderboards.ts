// GET /api/dashboard/leaderboards?range=: the top spenders per dimension, named, and usage
// patterns by hour of day and day of week (any signed-in role).
import "server-only";
import { requireDashboardSession } from "@/lib/auth/dashboard-auth";
import { getDb } from "@/lib/store/db";
import { usdFromMicros as usd } from "@/lib/cost/usd";
import { LEADERBOARD_DIMENSIONS, leaderboards } from "@/lib/metrics/leaderboards";
import { resolveLabels } from "@/lib/metrics/labels";
import { parseRange } from "./dashboard-range";

export async function leaderboardsResponse(request: Request) {
  await requireDashboardSession(request);
  const { range, rangeMs, to } = parseRange(request);
  const db = await getDb();
  const l = await leaderboards(db, { rangeMs, to });
  const labels = await Promise.all(LEADERBOARD_DIMENSIONS.map((d) => resolveLabels(db, d, l.boards[d].map((e) => e.value))));
  return {
    object: "dashboard.leaderboards",
    range,
    from: l.from.toISOString(),
    to: l.to.toISOString(),
    granularity: l.granularity,
    boards: Object.fromEntries(
      LEADERBOARD_DIMENSIONS.map((d, i) => [
        d,
        l.boards[d].map((e) => ({
          value: e.value,
          name: labels[i].get(e.value)?.name ?? e.value,
          known: labels[i].get(e.value)?.known ?? false,
          requests: e.requests,
          input_tokens: e.inputTokens,
          output_tokens: e.outputTokens,
          spend_usd: usd(e.spendMicros),
          cache_hits: e.cacheHits,
          cache_hit_rate: e.cacheHitRate,
          avg_cost_usd: e.avgCostMicros === null ? null : usd(e.avgCostMicros),
          avg_latency_ms: e.avgLatencyMs,
          p95_latency_ms: e.p95LatencyMs,
        })),
      ]),
    ),
    patterns: {
      by_hour: l.patterns.byHour.map((h) => ({ hour: h.hour, requests: h.requests, spend_usd: usd(h.spendMicros) })),
      by_weekday: l.patterns.byWeekday.map((w) => ({ weekday: w.weekday, requests: w.requests, spend_usd: usd(w.spendMicros) })),
    },
  };
}
