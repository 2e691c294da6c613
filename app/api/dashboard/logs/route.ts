import { jsonRoute } from "@/lib/http/json-route";
import { logsResponse } from "@/lib/admin/dashboard-logs";

export const dynamic = "force-dynamic";
// GET /api/dashboard/logs?range=|from=&to=&key=&team=&model=&status=&cache=&end_user=&cursor=&limit=
export const GET = jsonRoute((request) => logsResponse(request));
