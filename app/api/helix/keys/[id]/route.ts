import { jsonRoute } from "@/lib/http/json-route";
import { revokeKeyResponse, updateKeyResponse } from "@/lib/admin/keys";

export const dynamic = "force-dynamic";
export const PATCH = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  updateKeyResponse(request, (await params).id),
);
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  revokeKeyResponse(request, (await params).id),
);
