import { jsonRoute } from "@/lib/http/json-route";
import { updateTeamResponse } from "@/lib/admin/teams";

export const dynamic = "force-dynamic";
export const PATCH = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  updateTeamResponse(request, (await params).id),
);
