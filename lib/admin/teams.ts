// Admin API for teams: list (GET), create (POST), rename and cache settings (PATCH), delete
// (DELETE, refused with 409 while active keys belong to the team). Names are unique within an org.
import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { budgetDefinitions } from "@/lib/cost/budget-definitions";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { logger } from "@/lib/observability/logger";
import { createTeam, deleteTeam, listTeams, renameTeam, updateTeamCache, type TeamConflict, type TeamSummary } from "@/lib/store/teams";
import { CacheSettingsBodySchema, presentCache, toCachePatch } from "./cache-settings";

const TeamName = z.string().trim().min(1).max(200);

const CreateTeamSchema = z.strictObject({
  name: TeamName,
  /** The team's organisation, created when new (as POST /helix/keys does); absent = no org. */
  org: z.string().trim().min(1).max(200).optional(),
  cache: CacheSettingsBodySchema.optional(),
});

const UpdateTeamSchema = z
  .strictObject({ name: TeamName.optional(), cache: CacheSettingsBodySchema.optional() })
  .refine((b) => b.name !== undefined || b.cache !== undefined, { message: "Send name or cache.", path: ["name"] });

const maxBody = () => getConfig().helix_settings.general.max_body_bytes;

function present(team: TeamSummary) {
  return { ...team, cache: presentCache(team.cache) };
}

function conflict(c: TeamConflict): ConflictError {
  if (c.conflict === "name_taken") {
    const where = c.org ? `in organization '${c.org}'` : "without an organization";
    return new ConflictError(`A team named '${c.name}' already exists ${where} (id '${c.existingId}'). Team names are unique within an organization.`, {
      param: "name",
      code: "team_name_taken",
    });
  }
  const keys = c.activeKeys === 1 ? "1 active key" : `${c.activeKeys} active keys`;
  return new ConflictError(`Team '${c.name}' still has ${keys}: revoke them before deleting the team (a deleted team's keys would lose its budget, limits and policies).`, {
    param: "id",
    code: "team_has_keys",
  });
}

const notFound = (id: string) => new NotFoundError(`No team with id '${id}'.`, { param: "id" });

/** GET /helix/teams: id, name, org, cache settings and active key count of every team. */
export async function listTeamsResponse(request: Request) {
  await requireAdmin(request, { read: true });
  return { object: "list", data: (await listTeams()).map(present) };
}

/** POST /helix/teams `{name, org?, cache?}`: 201 with the team; 409 when the org has a team of that name. */
export async function createTeamResponse(request: Request): Promise<Response> {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, CreateTeamSchema, maxBody());
  const result = await createTeam({ name: body.name, ...(body.org ? { org: body.org } : {}) });
  if ("conflict" in result) throw conflict(result);
  let team = result.team;
  const cache = toCachePatch(body.cache);
  if (cache) team = (await updateTeamCache(team.id, cache)) ?? team;
  logger().info({ component: "teams", teamId: team.id, org: team.org, updatedBy: caller.by }, "team created");
  return Response.json(present(team), { status: 201 });
}

/**
 * PATCH /helix/teams/{id} `{name?, cache?: {enabled?, similarity_threshold?}}`: a new name (unique
 * in the team's org) and cache settings reach the team's keys from their next request, on every instance.
 */
export async function updateTeamResponse(request: Request, id: string) {
  const caller = await requireAdmin(request);
  const body = await readJsonBody(request, UpdateTeamSchema, maxBody());
  let updated: TeamSummary | null = null;
  if (body.name !== undefined) {
    const renamed = await renameTeam(id, body.name);
    if (!renamed) throw notFound(id);
    if ("conflict" in renamed) throw conflict(renamed);
    updated = renamed.team;
    logger().info({ component: "teams", teamId: id, updatedBy: caller.by }, "team renamed");
  }
  if (body.cache !== undefined) updated = await updateTeamCache(id, toCachePatch(body.cache) ?? {});
  if (!updated) throw notFound(id);
  return present(updated);
}

/**
 * DELETE /helix/teams/{id}: refused (409 team_has_keys) while an active key belongs to the team.
 * Its API users and revoked keys are detached; its budget and PII policy are deleted with it.
 */
export async function deleteTeamResponse(request: Request, id: string) {
  const caller = await requireAdmin(request);
  const result = await deleteTeam(id);
  if (!result) throw notFound(id);
  if ("conflict" in result) throw conflict(result);
  budgetDefinitions().invalidate();
  logger().info({ component: "teams", teamId: id, detachedUsers: result.detachedUsers, updatedBy: caller.by }, "team deleted");
  return { object: "team.deleted", id, name: result.name, deleted: true, detached_users: result.detachedUsers, detached_revoked_keys: result.detachedRevokedKeys };
}
