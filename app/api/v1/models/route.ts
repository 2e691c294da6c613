import { jsonRoute } from "@/lib/http/json-route";
import { listModelsResponse } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listModelsResponse(request));
