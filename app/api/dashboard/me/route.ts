import { jsonRoute } from "@/lib/http/json-route";
import { meResponse } from "@/lib/admin/dashboard-users";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => meResponse(request));
