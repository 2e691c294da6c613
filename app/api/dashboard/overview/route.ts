import { jsonRoute } from "@/lib/http/json-route";
import { overviewResponse } from "@/lib/admin/dashboard-overview";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => overviewResponse(request));
