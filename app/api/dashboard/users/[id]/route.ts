import { jsonRoute } from "@/lib/http/json-route";
import { deleteDashboardUserResponse, updateDashboardUserResponse } from "@/lib/admin/dashboard-users";

export const dynamic = "force-dynamic";
export const PATCH = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  updateDashboardUserResponse(request, (await params).id),
);
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  deleteDashboardUserResponse(request, (await params).id),
);
