import { jsonRoute } from "@/lib/http/json-route";
import { statsResponse } from "@/lib/admin/cache";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => statsResponse(request));
