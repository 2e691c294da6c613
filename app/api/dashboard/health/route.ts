import { jsonRoute } from "@/lib/http/json-route";
import { healthResponse } from "@/lib/admin/dashboard-health";

export const dynamic = "force-dynamic";
// GET /api/dashboard/health: dependencies, providers (passive), instance and config (any signed-in role).
export const GET = jsonRoute((request) => healthResponse(request));
