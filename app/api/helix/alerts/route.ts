import { jsonRoute } from "@/lib/http/json-route";
import { listAlertsResponse } from "@/lib/admin/alerts";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listAlertsResponse(request));
