import { jsonRoute } from "@/lib/http/json-route";
import { getPoliciesResponse, putPoliciesResponse } from "@/lib/admin/policies";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => getPoliciesResponse(request));
export const PUT = jsonRoute((request) => putPoliciesResponse(request));
