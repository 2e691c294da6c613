import { jsonRoute } from "@/lib/http/json-route";
import { getModelResponse } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";
// Catch-all: model ids may contain slashes (groq/llama-3.3-70b-versatile).
export const GET = jsonRoute<{ params: Promise<{ id: string[] }> }>(async (request, { params }) => getModelResponse(request, (await params).id));
