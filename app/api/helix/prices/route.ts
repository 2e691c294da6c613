import { jsonRoute } from "@/lib/http/json-route";
import { addPriceResponse, listPricesResponse } from "@/lib/admin/prices";

export const dynamic = "force-dynamic";
export const GET = jsonRoute((request) => listPricesResponse(request));
export const POST = jsonRoute((request) => addPriceResponse(request));
