import { jsonRoute } from "@/lib/http/json-route";
import { spendReportResponse } from "@/lib/admin/spend";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => spendReportResponse(request));
