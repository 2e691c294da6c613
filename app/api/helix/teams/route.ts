import { jsonRoute } from "@/lib/http/json-route";
import { listTeamsResponse } from "@/lib/admin/teams";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listTeamsResponse(request));
