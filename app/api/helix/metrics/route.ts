import { jsonRoute } from "@/lib/http/json-route";
import { metricsResponse } from "@/lib/admin/metrics";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => metricsResponse(request));
