import { jsonRoute } from "@/lib/http/json-route";
import { deletePiiPolicyResponse, putPiiPolicyResponse } from "@/lib/admin/pii-policies";

type Params = { params: Promise<{ scope: string; id: string }> };

export const dynamic = "force-dynamic";
export const PUT = jsonRoute<Params>(async (request, { params }) => {
  const { scope, id } = await params;
  return putPiiPolicyResponse(request, scope, id);
});
export const DELETE = jsonRoute<Params>(async (request, { params }) => {
  const { scope, id } = await params;
  return deletePiiPolicyResponse(request, scope, id);
});
