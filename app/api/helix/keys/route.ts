import { jsonRoute } from "@/lib/http/json-route";
import { createKeyResponse, listKeysResponse } from "@/lib/admin/keys";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listKeysResponse(request));
export const POST = jsonRoute((request) => createKeyResponse(request));
