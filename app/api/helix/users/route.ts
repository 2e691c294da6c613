import { jsonRoute } from "@/lib/http/json-route";
import { listApiUsersResponse } from "@/lib/admin/api-users";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listApiUsersResponse(request));
