import { jsonRoute } from "@/lib/http/json-route";
import { deleteBudgetResponse, getBudgetResponse, putBudgetResponse } from "@/lib/admin/budgets";

type Params = { params: Promise<{ scope: string; id: string }> };

export const dynamic = "force-dynamic";
export const GET = jsonRoute<Params>(async (request, { params }) => {
  const { scope, id } = await params;
  return getBudgetResponse(request, scope, id);
});
export const PUT = jsonRoute<Params>(async (request, { params }) => {
  const { scope, id } = await params;
  return putBudgetResponse(request, scope, id);
});
export const DELETE = jsonRoute<Params>(async (request, { params }) => {
  const { scope, id } = await params;
  return deleteBudgetResponse(request, scope, id);
});
