// The JSON of /api/dashboard/leaderboards, as the leaderboards page reads it.
import type { Granularity } from "@/lib/dashboard/ranges";

export const BOARDS = [
  { id: "user", title: "Users", subtitle: "The users keys belong to" },
  { id: "end_user", title: "End users", subtitle: "The OpenAI `user` field your apps send" },
  { id: "key", title: "Keys", subtitle: "Virtual keys" },
  { id: "team", title: "Teams", subtitle: "Teams of the keys" },
  { id: "model", title: "Models", subtitle: "Requested models, with latency" },
] as const;
export type BoardId = (typeof BOARDS)[number]["id"];

export interface BoardEntry {
  value: string;
  name: string;
  known: boolean;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  spend_usd: number;
  cache_hits: number;
  cache_hit_rate: number | null;
  avg_cost_usd: number | null;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
}

export interface LeaderboardsResponse {
  range: string;
  from: string;
  to: string;
  granularity: Granularity;
  boards: Record<BoardId, BoardEntry[]>;
  patterns: {
    by_hour: Array<{ hour: number; requests: number; spend_usd: number }>;
    by_weekday: Array<{ weekday: number; requests: number; spend_usd: number }>;
  };
}
