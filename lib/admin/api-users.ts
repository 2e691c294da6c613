// Admin API for API users (who keys are issued to; not dashboard accounts): list (GET), create
// (POST), edit name, email and team (PATCH), delete (DELETE, refused with 409 while active keys
// belong to the user). Their budgets and rpm/tpm are /helix/budgets/user/{id}, enforced like a key's.
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { budgetDefinitions } from "@/lib/cost/budget-definitions";
import { ConflictError, InvalidRequestError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import { createApiUser, deleteApiUser, listAllApiUsers, updateApiUser, type ApiUserRefusal, type ApiUserSummary } from "@/lib/store/api-users";
import { getDb } from "@/lib/store/db";

const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(320);
const TeamId = z.string().min(1).max(200);

const CreateUserSchema = z.strictObject({
  /** How keys name the user (POST /helix/keys `user`): unique. */
  external_id: Name,
  name: Name.optional(),
  email: Email.optional(),
  team_id: TeamId.optional(),
});

const UpdateUserSchema = z
  .strictObject({ name: Name.nullable().optional(), email: Email.nullable().optional(), team_id: TeamId.nullable().optional() })
  .refine((b) => b.name !== undefined || b.email !== undefined || b.team_id !== undefined, { message: "Send name, email or team_id.", path: ["team_id"] });

const maxBody = () => getConfig().helix_settings.general.max_body_bytes;

function present(u: ApiUserSummary) {
  return {
    id: u.id,
    external_id: u.externalId,
    email: u.email,
    name: u.name,
    team_id: u.teamId,
    team: u.team,
    org: u.org,
    key_count: u.keyCount,
    created_at: u.createdAt.toISOString(),
  };
}

function refusal(r: ApiUserRefusal) {
  switch (r.refused) {
    case "external_id_taken":
      return new ConflictError(`An API user with the external id '${r.externalId}' already exists (id '${r.existingId}').`, { param: "external_id", code: "user_exists" });
    case "unknown_team":
      return new InvalidRequestError(`No team with id '${r.teamId}'.`, { param: "team_id" });
    case "has_keys": {
      const keys = r.activeKeys === 1 ? "1 active key" : `${r.activeKeys} active keys`;
      return new ConflictError(`API user '${r.externalId}' still has ${keys}: revoke them before deleting the user.`, { param: "id", code: "user_has_keys" });
    }
  }
}

const notFound = (id: string) => new NotFoundError(`No API user with id '${id}'.`, { param: "id" });

/** GET /helix/users: the API users (keys' owners) with their team and active key count. */
export async function listApiUsersResponse(request: Request) {
  await requireAdmin(request, { read: true });
  return { object: "list", data: (await listAllApiUsers()).map(present) };
}

/** POST /helix/users `{external_id, name?, email?, team_id?}`: 201; 409 when the external id is taken. */
export async function createApiUserResponse(request: Request): Promise<Response> {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, CreateUserSchema, maxBody());
  const result = await createApiUser(await getDb(), { externalId: body.external_id, name: body.name, email: body.email, teamId: body.team_id });
  if ("refused" in result) throw refusal(result);
  logger().info({ component: "api-users", userId: result.user.id, teamId: result.user.teamId, updatedBy: caller.by }, "api user created");
  return Response.json(present(result.user), { status: 201 });
}

/** PATCH /helix/users/{id} `{name?, email?, team_id?}` (null clears): the user's keys keep their own team. */
export async function updateApiUserResponse(request: Request, id: string) {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, UpdateUserSchema, maxBody());
  const result = await updateApiUser(await getDb(), id, { name: body.name, email: body.email, teamId: body.team_id });
  if (!result) throw notFound(id);
  if ("refused" in result) throw refusal(result);
  logger().info({ component: "api-users", userId: id, teamId: result.user.teamId, updatedBy: caller.by }, "api user updated");
  return present(result.user);
}

/** DELETE /helix/users/{id}: refused (409 user_has_keys) while an active key belongs to the user; its budget and PII policy go with it. */
export async function deleteApiUserResponse(request: Request, id: string) {
  const caller = await requireAdmin(request);
  const result = await deleteApiUser(await getDb(), id);
  if (!result) throw notFound(id);
  if ("refused" in result) throw refusal(result);
  budgetDefinitions().invalidate();
  logger().info({ component: "api-users", userId: id, updatedBy: caller.by }, "api user deleted");
  return { object: "user.deleted", id, external_id: result.externalId, deleted: true, detached_revoked_keys: result.detachedRevokedKeys };
}
