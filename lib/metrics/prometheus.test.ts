import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DURATION_BUCKETS,
  liveCounters,
  metricsExposition,
  recordBudgetUtilization,
  recordCacheLookup,
  recordEmbedding,
  recordPiiDetections,
  recordRejection,
  recordRequestMetrics,
  recordUpstreamError,
  recordUpstreamRetry,
  resetMetricsForTests,
} from "./prometheus";
import { modelLabel, recordRequestEnd, upstreamErrorKind } from "./prometheus-request";
import { BadGatewayError, BudgetExceededError, GatewayTimeoutError, InternalError, RateLimitError, UpstreamError } from "@/lib/errors";
import { requestFinished, requestStarted } from "@/lib/gateway/in-flight";
import type { GatewayContext } from "@/lib/gateway/context";
import { HELIX_METRIC_LABELS, HELIX_PROCESS_METRICS } from "./metric-names";

/** Samples of the text exposition: `name{labels} value` → value, keyed by the line's left side. */
async function samples(): Promise<Map<string, number>> {
  const { body } = await metricsExposition();
  const out = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

beforeEach(() => resetMetricsForTests());
afterEach(() => resetMetricsForTests());

describe("the contract (lib/metrics/metric-names.ts)", () => {
  it("exposes every Helix family with exactly the contract's labels, and the process metrics dashboards use", async () => {
    // One sample per family, so that each one appears in the exposition with its labels.
    recordRequestMetrics({
      endpoint: "chat", model: "m", provider: "p", status: 200, cache: "MISS", stream: true, totalSeconds: 1,
      upstream: { provider: "p", model: "m", seconds: 0.5, ttftSeconds: 0.1 }, tokens: { input: 1 }, costUsd: 1, cacheSavingsUsd: 1,
    });
    recordCacheLookup("exact", true);
    recordPiiDetections([{ entityType: "EMAIL_ADDRESS", action: "redact", count: 1 }]);
    recordBudgetUtilization([{ scope: "team", scopeId: "t", spentMicros: 1, limitMicros: 2 }]);
    recordRejection("budget", "team");
    recordRejection("rate_limit", "key");
    recordUpstreamError("p", "m", "timeout");
    recordUpstreamRetry("p", "m");
    recordEmbedding("e", 0.01);
    const { body } = await metricsExposition();
    const lines = body.split("\n");
    for (const [family, labels] of Object.entries(HELIX_METRIC_LABELS)) {
      expect(lines.some((l) => l.startsWith(`# TYPE ${family} `)), family).toBe(true);
      const sample = lines.find((l) => l.startsWith(`${family}{`) || l.startsWith(`${family}_count{`) || l.startsWith(`${family} `));
      expect(sample, family).toBeDefined();
      const names = [...(/\{(.*)\}/.exec(sample!)?.[1] ?? "").matchAll(/([a-z_]+)="/g)].map((m) => m[1]);
      expect(names, family).toEqual(labels);
    }
    // Declared even before their first sample (the GC histogram fills on the first collection).
    for (const name of HELIX_PROCESS_METRICS) expect(lines.some((l) => l.startsWith(`# TYPE ${name} `)), name).toBe(true);
  });
});

describe("recordRequestMetrics", () => {
  it("counts the request and observes durations, tokens, cost and savings with the contract's labels", async () => {
    recordRequestMetrics({
      endpoint: "chat",
      model: "gpt-4o-mini",
      provider: "openai",
      status: 200,
      cache: "MISS",
      stream: true,
      totalSeconds: 0.3,
      upstream: { provider: "openai", model: "gpt-4o-mini", seconds: 0.2, ttftSeconds: 0.05 },
      tokens: { input: 12, output: 30, cached_input: 0, reasoning: 4 },
      costUsd: 0.000021,
      cacheSavingsUsd: 0,
      swapSavingsUsd: -0.5,
    });
    const s = await samples();
    expect(s.get('helix_requests_total{endpoint="chat",model="gpt-4o-mini",provider="openai",status="200",cache="MISS"}')).toBe(1);
    expect(s.get('helix_request_duration_seconds_count{endpoint="chat",model="gpt-4o-mini",stream="true"}')).toBe(1);
    expect(s.get('helix_request_duration_seconds_sum{endpoint="chat",model="gpt-4o-mini",stream="true"}')).toBeCloseTo(0.3);
    expect(s.get('helix_request_duration_seconds_bucket{le="0.25",endpoint="chat",model="gpt-4o-mini",stream="true"}')).toBe(0);
    expect(s.get('helix_request_duration_seconds_bucket{le="0.5",endpoint="chat",model="gpt-4o-mini",stream="true"}')).toBe(1);
    expect(s.get('helix_upstream_duration_seconds_sum{provider="openai",model="gpt-4o-mini"}')).toBeCloseTo(0.2);
    expect(s.get('helix_gateway_overhead_seconds_sum{endpoint="chat"}')).toBeCloseTo(0.1);
    expect(s.get('helix_time_to_first_token_seconds_sum{provider="openai",model="gpt-4o-mini"}')).toBeCloseTo(0.05);
    expect(s.get('helix_tokens_total{model="gpt-4o-mini",provider="openai",type="input"}')).toBe(12);
    expect(s.get('helix_tokens_total{model="gpt-4o-mini",provider="openai",type="output"}')).toBe(30);
    expect(s.get('helix_tokens_total{model="gpt-4o-mini",provider="openai",type="reasoning"}')).toBe(4);
    // Zero counts add no series.
    expect(s.has('helix_tokens_total{model="gpt-4o-mini",provider="openai",type="cached_input"}')).toBe(false);
    expect(s.get('helix_cost_usd_total{model="gpt-4o-mini",provider="openai"}')).toBeCloseTo(0.000021, 12);
    // A swap that cost more is not a saving (counters never go down).
    expect(s.has('helix_savings_usd_total{kind="swap"}')).toBe(false);
  });

  it("uses the contract's histogram buckets", async () => {
    recordEmbedding("all-MiniLM-L6-v2", 0.012);
    const s = await samples();
    const les = [...s.keys()].filter((k) => k.startsWith("helix_embedding_duration_seconds_bucket")).map((k) => /le="([^"]+)"/.exec(k)![1]);
    expect(les).toEqual([...DURATION_BUCKETS.map(String), "+Inf"]);
    expect(s.get('helix_embedding_duration_seconds_bucket{le="0.025",model="all-MiniLM-L6-v2"}')).toBe(1);
    expect(s.get('helix_embedding_duration_seconds_bucket{le="0.01",model="all-MiniLM-L6-v2"}')).toBe(0);
  });
});

describe("the other recorders", () => {
  it("count cache lookups, PII detections, refusals, upstream errors and retries", async () => {
    recordCacheLookup("exact", false);
    recordCacheLookup("exact", true);
    recordCacheLookup("semantic", false);
    recordPiiDetections([
      { entityType: "EMAIL_ADDRESS", action: "redact", count: 2 },
      { entityType: "PHONE_NUMBER", action: "mask", count: 1 },
      { entityType: "EMAIL_ADDRESS", action: "redact", count: 1 },
    ]);
    recordRejection("budget", "team");
    recordRejection("rate_limit", "key");
    recordRejection("rate_limit", "key");
    recordUpstreamError("openai", "gpt-4o-mini", "5xx");
    recordUpstreamRetry("openai", "gpt-4o-mini");
    const s = await samples();
    expect(s.get('helix_cache_lookups_total{type="exact",result="miss"}')).toBe(1);
    expect(s.get('helix_cache_lookups_total{type="exact",result="hit"}')).toBe(1);
    expect(s.get('helix_cache_lookups_total{type="semantic",result="miss"}')).toBe(1);
    expect(s.get('helix_pii_detections_total{entity="EMAIL_ADDRESS",action="redact"}')).toBe(3);
    expect(s.get('helix_pii_detections_total{entity="PHONE_NUMBER",action="mask"}')).toBe(1);
    expect(s.get('helix_budget_rejections_total{scope="team"}')).toBe(1);
    expect(s.get('helix_rate_limit_rejections_total{scope="key"}')).toBe(2);
    expect(s.get('helix_upstream_errors_total{provider="openai",model="gpt-4o-mini",kind="5xx"}')).toBe(1);
    expect(s.get('helix_upstream_retries_total{provider="openai",model="gpt-4o-mini"}')).toBe(1);
  });

  it("sets budget utilisation per scope, leaving out end users (their ids are caller-supplied)", async () => {
    recordBudgetUtilization([
      { scope: "team", scopeId: "tm_1", spentMicros: 2_500_000, limitMicros: 10_000_000 },
      { scope: "end_user", scopeId: "alice@example.com", spentMicros: 1, limitMicros: 2 },
    ]);
    recordBudgetUtilization([{ scope: "team", scopeId: "tm_1", spentMicros: 12_000_000, limitMicros: 10_000_000 }]);
    const s = await samples();
    expect(s.get('helix_budget_utilization_ratio{scope="team",scope_id="tm_1"}')).toBeCloseTo(1.2);
    expect([...s.keys()].some((k) => k.includes("alice"))).toBe(false);
  });

  it("reports in-flight requests when scraped, plus process metrics with the helix_ prefix", async () => {
    requestStarted();
    requestStarted();
    let s = await samples();
    expect(s.get("helix_requests_in_flight")).toBe(2);
    requestFinished();
    requestFinished();
    s = await samples();
    expect(s.get("helix_requests_in_flight")).toBe(0);
    expect(s.has("helix_process_cpu_seconds_total")).toBe(true);
    expect(s.has("helix_nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("never throws into the request (a wrong label is dropped)", () => {
    expect(() => recordRejection("budget", undefined as unknown as string)).not.toThrow();
  });
});

describe("recordRequestEnd (from the gateway context)", () => {
  const config = { model_list: [{ model_name: "gpt-4o-mini" }] } as unknown as GatewayContext["config"];
  const base = (over: Partial<GatewayContext>): GatewayContext =>
    ({ endpoint: "chat.completions", attempts: [], responseHeaders: {}, config, ...over }) as GatewayContext;

  it("labels a served stream and splits its time into upstream and overhead", async () => {
    recordRequestEnd(
      base({
        requestedModel: "gpt-4o-mini",
        chain: [{} as never],
        served: { provider: "openai", model: "gpt-4o-mini-2024" },
        chatRequest: { stream: true } as never,
        cacheStatus: "MISS",
        upstreamLatencyMs: 40,
        ttftMs: 50,
        cost: { cost: { micros: 21, status: "priced" }, usage: { input: 5, output: 7, cachedInput: 0, cacheWrite: 0, reasoning: 0 } } as never,
      }),
      { status: 200 },
      1000,
    );
    const s = await samples();
    expect(s.get('helix_requests_total{endpoint="chat",model="gpt-4o-mini-2024",provider="openai",status="200",cache="MISS"}')).toBe(1);
    // The attempt started 10 ms in; the provider streamed until the end (1 s).
    expect(s.get('helix_upstream_duration_seconds_sum{provider="openai",model="gpt-4o-mini-2024"}')).toBeCloseTo(0.99);
    expect(s.get('helix_gateway_overhead_seconds_sum{endpoint="chat"}')).toBeCloseTo(0.01);
    expect(s.get('helix_time_to_first_token_seconds_sum{provider="openai",model="gpt-4o-mini-2024"}')).toBeCloseTo(0.05);
    expect(s.get('helix_cost_usd_total{model="gpt-4o-mini-2024",provider="openai"}')).toBeCloseTo(0.000021, 12);
    expect(s.get('helix_tokens_total{model="gpt-4o-mini-2024",provider="openai",type="output"}')).toBe(7);
  });

  it("counts the gateway's own refusals by scope and keeps made-up model names out of labels", async () => {
    const resetAt = new Date(Date.now() + 60_000);
    recordRequestEnd(base({ requestedModel: "gpt-4o-mini" }), { status: 429, error: new RateLimitError("slow down", { scope: "key" }) }, 3);
    recordRequestEnd(base({ requestedModel: "gpt-4o-mini" }), { status: 429, error: new BudgetExceededError("spent", { resetAt, scope: "team" }) }, 3);
    recordRequestEnd(base({ requestedModel: "my secret prompt" }), { status: 404 }, 2);
    recordRequestEnd(base({ endpoint: "embeddings", requestedModel: "gpt-4o-mini" }), { status: 200, clientDisconnected: true }, 2);
    const s = await samples();
    expect(s.get('helix_rate_limit_rejections_total{scope="key"}')).toBe(1);
    expect(s.get('helix_budget_rejections_total{scope="team"}')).toBe(1);
    expect(s.get('helix_requests_total{endpoint="chat",model="gpt-4o-mini",provider="none",status="429",cache="NONE"}')).toBe(2);
    expect(s.get('helix_requests_total{endpoint="chat",model="unknown",provider="none",status="404",cache="NONE"}')).toBe(1);
    expect(s.get('helix_requests_total{endpoint="embeddings",model="gpt-4o-mini",provider="none",status="499",cache="NONE"}')).toBe(1);
    // No provider reached: no upstream or overhead samples.
    expect(s.has('helix_gateway_overhead_seconds_count{endpoint="chat"}')).toBe(false);
    const live = await liveCounters();
    expect(live).toMatchObject({ requests: 4, errors: 4, rateLimitRejections: 1, budgetRejections: 1, byStatus: { "429": 2, "404": 1, "499": 1 } });
  });

  it("counts the request's PII findings, the answer's (scan_output) included", async () => {
    const findings = [
      { location: "messages[0].content", entityType: "EMAIL_ADDRESS", count: 2, action: "redact", recognizer: "email", score: 1 },
      { location: "response", entityType: "EMAIL_ADDRESS", count: 1, action: "redact", recognizer: "email", score: 1 },
      { location: "messages[0].content", entityType: "US_SSN", count: 1, action: "block", recognizer: "ssn", score: 1 },
    ];
    recordRequestEnd(base({ requestedModel: "gpt-4o-mini", pii: { findings, policy: "config" } }), { status: 400 }, 1);
    const s = await samples();
    expect(s.get('helix_pii_detections_total{entity="EMAIL_ADDRESS",action="redact"}')).toBe(3);
    expect(s.get('helix_pii_detections_total{entity="US_SSN",action="block"}')).toBe(1);
  });

  it("names the modelLabel fallback", () => {
    expect(modelLabel(base({}))).toBe("unknown");
    expect(modelLabel(base({ requestedModel: "openai/gpt-4.1", chain: [{} as never] }))).toBe("openai/gpt-4.1");
  });

  it("classifies upstream failures", () => {
    expect(upstreamErrorKind(new UpstreamError("openai", 500, "boom"))).toBe("5xx");
    expect(upstreamErrorKind(new UpstreamError("openai", 429, "slow"))).toBe("429");
    expect(upstreamErrorKind(new UpstreamError("openai", 404, "no"))).toBe("4xx");
    expect(upstreamErrorKind(new GatewayTimeoutError("late"))).toBe("timeout");
    expect(upstreamErrorKind(new BadGatewayError("refused"))).toBe("connection");
    expect(upstreamErrorKind(new InternalError())).toBe("5xx");
  });
});
