import { jsonRoute } from "@/lib/http/json-route";
import { leaderboardsResponse } from "@/lib/admin/dashboard-leaderboards";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => leaderboardsResponse(request));
