import { jsonRoute } from "@/lib/http/json-route";
import { costResponse } from "@/lib/admin/dashboard-cost";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => costResponse(request));
