import { jsonRoute } from "@/lib/http/json-route";
import { deleteApiUserResponse, updateApiUserResponse } from "@/lib/admin/api-users";

export const dynamic = "force-dynamic";
export const PATCH = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  updateApiUserResponse(request, (await params).id),
);
export const DELETE = jsonRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) =>
  deleteApiUserResponse(request, (await params).id),
);
