import { jsonRoute } from "@/lib/http/json-route";
import { revokeKeyResponse } from "@/lib/admin/keys";

export const dynamic = "force-dynamic";
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  revokeKeyResponse(request, (await params).id),
);
