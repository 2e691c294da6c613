// Known rollup rows (and the keys, teams and users they name) for the cost and leaderboard tests,
// on PGlite and PostgreSQL. Written straight into usage_rollups, independently of the code under test.
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const NOW = new Date("2026-11-29T12:00:00Z");
export const HOUR = 3_600_000;

type Counters = Partial<Record<"requests" | "input_tokens" | "output_tokens" | "cost_micros" | "cache_hits" | "cache_savings_micros" | "swaps" | "swap_savings_micros" | "unknown_cost" | "latency_ms_sum" | "latency_le_100" | "latency_le_250", number>>;

export async function rollup(db: PrismaClient, granularity: string, bucket: string, dimension: string, value: string, c: Counters): Promise<void> {
  const cols = Object.keys(c);
  await db.$executeRawUnsafe(
    `INSERT INTO usage_rollups (granularity, bucket, dimension, value${cols.map((k) => `, ${k}`).join("")}) ` +
      `VALUES ($1, $2::timestamp(3), $3, $4${cols.map((_, i) => `, $${i + 5}`).join("")})`,
    granularity,
    bucket,
    dimension,
    value,
    ...Object.values(c),
  );
}

/**
 * In the 24 h before NOW (hour rows): teams t-platform 8,000 µ$ (two buckets), t-research 6,000,
 * team-gone (no row) 1,000, t-support 500, and 2,000 without a team; global 17,500 over 14
 * requests. Models: gpt-4o (priced), mystery-model (3 unknown), odd-model (2 unknown). Keys,
 * users, end users for the leaderboards. An older row (t-support, 3 days ago) is out of range.
 */
export async function seedDashboardFixture(db: PrismaClient): Promise<void> {
  await db.team.createMany({ data: [{ id: "t-platform", name: "Platform" }, { id: "t-research", name: "Research" }, { id: "t-support", name: "Support" }] });
  await db.user.createMany({ data: [{ id: "u-ada", externalId: "ada-ext", email: "ada@example.com", name: "Ada" }, { id: "u-bob", externalId: "bob-ext", email: "bob@example.com" }] });
  await db.apiKey.createMany({
    data: [
      { id: "k-prod", name: "prod key", keyHash: "a".repeat(64), keyPrefix: "sk-helix-aaa" },
      { id: "k-dev", name: "dev key", keyHash: "b".repeat(64), keyPrefix: "sk-helix-bbb" },
    ],
  });
  const h10 = "2026-11-29T10:00:00.000Z";
  const h09 = "2026-11-29T09:00:00.000Z";
  const h23 = "2026-11-28T23:00:00.000Z"; // a Saturday
  await rollup(db, "hour", h10, "team", "t-platform", { requests: 5, cost_micros: 5_000, input_tokens: 50, output_tokens: 25, cache_hits: 1, cache_savings_micros: 400 });
  await rollup(db, "hour", h09, "team", "t-platform", { requests: 3, cost_micros: 3_000, input_tokens: 30, output_tokens: 15 });
  await rollup(db, "hour", h10, "team", "t-research", { requests: 2, cost_micros: 6_000, input_tokens: 20, output_tokens: 10, swaps: 1, swap_savings_micros: 300 });
  await rollup(db, "hour", h10, "team", "team-gone", { requests: 1, cost_micros: 1_000 });
  await rollup(db, "hour", h23, "team", "t-support", { requests: 1, cost_micros: 500 });
  await rollup(db, "hour", "2026-11-26T10:00:00.000Z", "team", "t-support", { requests: 100, cost_micros: 99_999 });
  await rollup(db, "hour", "2026-11-26T10:00:00.000Z", "global", "", { requests: 100, cost_micros: 99_999 });
  await rollup(db, "hour", h10, "global", "", { requests: 10, cost_micros: 14_000, input_tokens: 100, output_tokens: 50, cache_hits: 1, cache_savings_micros: 700, swaps: 1, swap_savings_micros: 300, unknown_cost: 5 });
  await rollup(db, "hour", h09, "global", "", { requests: 3, cost_micros: 3_000, cache_savings_micros: 100 });
  await rollup(db, "hour", h23, "global", "", { requests: 1, cost_micros: 500 });
  await rollup(db, "hour", h10, "model", "gpt-4o", { requests: 5, cost_micros: 14_000, cache_hits: 1, latency_ms_sum: 1_000, latency_le_250: 5 });
  await rollup(db, "hour", h09, "model", "gpt-4o", { requests: 3, cost_micros: 3_500, latency_ms_sum: 300, latency_le_100: 3 });
  await rollup(db, "hour", h10, "model", "mystery-model", { requests: 3, unknown_cost: 3, latency_ms_sum: 150, latency_le_100: 3 });
  await rollup(db, "hour", h10, "model", "odd-model", { requests: 2, unknown_cost: 2, latency_ms_sum: 100, latency_le_100: 2 });
  await rollup(db, "hour", h10, "key", "k-prod", { requests: 8, cost_micros: 12_000 });
  await rollup(db, "hour", h10, "key", "c".repeat(64), { requests: 2, cost_micros: 2_000 });
  await rollup(db, "hour", h09, "key", "b".repeat(64), { requests: 3, cost_micros: 3_000 });
  await rollup(db, "hour", h10, "user", "u-ada", { requests: 4, cost_micros: 9_000, cache_hits: 2 });
  await rollup(db, "hour", h10, "user", "u-bob", { requests: 6, cost_micros: 5_000 });
  await rollup(db, "hour", h10, "end_user", "customer-42", { requests: 2, cost_micros: 4_000 });
  // Day rows for a 30-day range.
  await rollup(db, "day", "2026-11-29T00:00:00.000Z", "team", "t-platform", { requests: 8, cost_micros: 8_000 });
  await rollup(db, "day", "2026-11-20T00:00:00.000Z", "team", "t-support", { requests: 50, cost_micros: 50_000 });
  await rollup(db, "day", "2026-11-29T00:00:00.000Z", "global", "", { requests: 13, cost_micros: 17_000 });
  await rollup(db, "day", "2026-11-20T00:00:00.000Z", "global", "", { requests: 50, cost_micros: 50_000 });
}
