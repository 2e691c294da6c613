import { jsonRoute } from "@/lib/http/json-route";
import { listBudgetsResponse } from "@/lib/admin/budgets";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listBudgetsResponse(request));
