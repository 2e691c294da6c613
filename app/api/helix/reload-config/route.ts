import { jsonRoute } from "@/lib/http/json-route";
import { reloadConfigResponse } from "@/lib/admin/config";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => reloadConfigResponse(request));
