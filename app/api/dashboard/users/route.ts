import { jsonRoute } from "@/lib/http/json-route";
import { createDashboardUserResponse, listDashboardUsersResponse } from "@/lib/admin/dashboard-users";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listDashboardUsersResponse(request));
export const POST = jsonRoute((request) => createDashboardUserResponse(request));
