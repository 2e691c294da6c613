import { jsonRoute } from "@/lib/http/json-route";
import { createDashboardUserResponse } from "@/lib/admin/dashboard-users";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => createDashboardUserResponse(request));
