import { jsonRoute } from "@/lib/http/json-route";
import { listPiiPoliciesResponse } from "@/lib/admin/pii-policies";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listPiiPoliciesResponse(request));
