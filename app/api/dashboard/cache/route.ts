import { jsonRoute } from "@/lib/http/json-route";
import { cacheResponse } from "@/lib/admin/dashboard-cache";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => cacheResponse(request));
