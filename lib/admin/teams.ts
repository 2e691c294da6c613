import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { listTeams, updateTeamCache, type TeamSummary } from "@/lib/store/teams";
import { CacheSettingsBodySchema, presentCache, toCachePatch } from "./cache-settings";

const UpdateTeamSchema = z.strictObject({ cache: CacheSettingsBodySchema });

function present(team: TeamSummary) {
  return { ...team, cache: presentCache(team.cache) };
}

/** GET /helix/teams: id, name, org, cache settings and active key count of every team. */
export async function listTeamsResponse(request: Request) {
  await requireAdmin(request, { read: true });
  return { object: "list", data: (await listTeams()).map(present) };
}

/** PATCH /helix/teams/{id} `{cache: {enabled?, similarity_threshold?}}`: the team's keys see it from their next request, on every instance. */
export async function updateTeamResponse(request: Request, id: string) {
  await requireAdmin(request);
  const body = await readJsonBody(request, UpdateTeamSchema, getConfig().helix_settings.general.max_body_bytes);
  const updated = await updateTeamCache(id, toCachePatch(body.cache) ?? {});
  if (!updated) throw new NotFoundError(`No team with id '${id}'.`, { param: "id" });
  return present(updated);
}
