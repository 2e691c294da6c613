import { jsonRoute } from "@/lib/http/json-route";
import { validateConfigResponse } from "@/lib/admin/config";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => validateConfigResponse(request));
