import { jsonRoute } from "@/lib/http/json-route";
import { deletePriceResponse } from "@/lib/admin/prices";

export const dynamic = "force-dynamic";
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => deletePriceResponse(request, (await params).id));
