import { jsonRoute } from "@/lib/http/json-route";
import { getConfigResponse } from "@/lib/admin/config";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => getConfigResponse(request));
