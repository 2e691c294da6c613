import { jsonRoute } from "@/lib/http/json-route";
import { costBudgetsResponse } from "@/lib/admin/dashboard-cost";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => costBudgetsResponse(request));
