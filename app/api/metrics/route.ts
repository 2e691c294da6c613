// GET /metrics: Prometheus text exposition of this instance (open, like most scrape targets;
// labels hold no secrets or personal data — see lib/metrics/prometheus.ts).
import { metricsExposition } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { body, contentType } = await metricsExposition();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
