import { jsonRoute } from "@/lib/http/json-route";
import { revertPoliciesResponse } from "@/lib/admin/policies";

type Params = { params: Promise<{ version: string }> };

export const dynamic = "force-dynamic";
export const POST = jsonRoute<Params>(async (request, { params }) => revertPoliciesResponse(request, (await params).version));
