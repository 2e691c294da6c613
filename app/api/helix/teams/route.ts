import { jsonRoute } from "@/lib/http/json-route";
import { createTeamResponse, listTeamsResponse } from "@/lib/admin/teams";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listTeamsResponse(request));
export const POST = jsonRoute((request) => createTeamResponse(request));
