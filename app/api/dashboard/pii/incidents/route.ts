import { jsonRoute } from "@/lib/http/json-route";
import { piiIncidentsResponse } from "@/lib/admin/dashboard-pii";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => piiIncidentsResponse(request));
