import { jsonRoute } from "@/lib/http/json-route";
import { logDetailResponse } from "@/lib/admin/dashboard-logs";

export const dynamic = "force-dynamic";
// GET /api/dashboard/logs/{id}: one request, its PII incidents, and its prompt only when stored.
export const GET = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => logDetailResponse(request, (await params).id));
