import { jsonRoute } from "@/lib/http/json-route";
import { validatePoliciesResponse } from "@/lib/admin/policies";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => validatePoliciesResponse(request));
