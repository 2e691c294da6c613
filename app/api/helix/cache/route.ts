import { jsonRoute } from "@/lib/http/json-route";
import { invalidateCacheResponse } from "@/lib/admin/cache";

export const dynamic = "force-dynamic";
export const DELETE = jsonRoute((request) => invalidateCacheResponse(request));
