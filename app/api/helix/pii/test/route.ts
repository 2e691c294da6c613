import { jsonRoute } from "@/lib/http/json-route";
import { testPiiResponse } from "@/lib/admin/pii-policies";

export const dynamic = "force-dynamic";
export const POST = jsonRoute((request) => testPiiResponse(request));
