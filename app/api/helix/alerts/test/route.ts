import { jsonRoute } from "@/lib/http/json-route";
import { testAlertsResponse } from "@/lib/admin/alerts";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => testAlertsResponse(request));
