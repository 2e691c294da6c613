import { jsonRoute } from "@/lib/http/json-route";
import { createApiUserResponse, listApiUsersResponse } from "@/lib/admin/api-users";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listApiUsersResponse(request));
export const POST = jsonRoute((request) => createApiUserResponse(request));
