import "server-only";
import { resolveCaller } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { ModelNotFoundError } from "@/lib/errors";
import { isModelAllowed, listModels, resolveModel } from "@/lib/routing/resolve-model";
import type { ModelObject } from "./openai-contract";

// Models have no creation time of their own; a fixed one keeps responses stable across instances.
const CREATED = 1_700_000_000;

/** GET /v1/models: the configured model names this key may use. */
export async function listModelsResponse(request: Request): Promise<{ object: "list"; data: ModelObject[] }> {
  const caller = await resolveCaller(request);
  const models = listModels(getConfig()).filter((m) => caller.models.length === 0 || caller.models.includes(m.id));
  return { object: "list", data: models.map((m) => ({ id: m.id, object: "model", created: CREATED, owned_by: m.owned_by })) };
}

/** GET /v1/models/{id}: any model this gateway can route (configured or by provider prefix). */
export async function getModelResponse(request: Request, segments: string[]): Promise<ModelObject> {
  // Next has already decoded each path segment; ids with slashes arrive as several.
  const id = segments.join("/");
  const caller = await resolveCaller(request);
  // A model this key may not use does not exist for it (as in the list).
  const config = getConfig();
  if (!isModelAllowed(caller.models, id, config)) throw new ModelNotFoundError(id);
  const { chain } = resolveModel(id, config);
  return { id, object: "model", created: CREATED, owned_by: chain[0].provider };
}
