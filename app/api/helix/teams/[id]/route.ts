import { jsonRoute } from "@/lib/http/json-route";
import { deleteTeamResponse, updateTeamResponse } from "@/lib/admin/teams";

export const dynamic = "force-dynamic";
export const PATCH = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  updateTeamResponse(request, (await params).id),
);
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  deleteTeamResponse(request, (await params).id),
);
