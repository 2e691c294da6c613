import "server-only";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/caller";
import { getConfig } from "@/lib/config/loader";
import { NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { createApiKey, listApiKeys, revokeApiKey, updateApiKeyCache } from "@/lib/store/api-keys";
import { CacheSettingsBodySchema, presentCache, toCachePatch } from "./cache-settings";

const CreateKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  user: z.string().trim().min(1).max(200).optional(),
  team: z.string().trim().min(1).max(200).optional(),
  org: z.string().trim().min(1).max(200).optional(),
  models: z.array(z.string().min(1)).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  cache: CacheSettingsBodySchema.optional(),
});

const UpdateKeySchema = z.strictObject({ cache: CacheSettingsBodySchema });

/** POST /helix/keys: the clear key is in this response only; the database keeps its hash. */
export async function createKeyResponse(request: Request): Promise<Response> {
  await requireAdmin(request);
  const { cache, ...input } = await readJsonBody(request, CreateKeySchema, getConfig().helix_settings.general.max_body_bytes);
  const created = await createApiKey({ ...input, cache: toCachePatch(cache) });
  // The only response that ever holds the clear key: no cache anywhere may keep it.
  return Response.json({ ...created, cache: presentCache(created.cache) }, { status: 201, headers: { "cache-control": "no-store" } });
}

/** GET /helix/keys */
export async function listKeysResponse(request: Request) {
  await requireAdmin(request);
  const keys = await listApiKeys();
  return { object: "list", data: keys.map((k) => ({ ...k, cache: presentCache(k.cache) })) };
}

/** PATCH /helix/keys/{id} `{cache: {enabled?, similarity_threshold?}}`: applies from the next request on every instance. */
export async function updateKeyResponse(request: Request, id: string) {
  await requireAdmin(request);
  const body = await readJsonBody(request, UpdateKeySchema, getConfig().helix_settings.general.max_body_bytes);
  const updated = await updateApiKeyCache(id, toCachePatch(body.cache) ?? {});
  if (!updated) throw new NotFoundError(`No API key with id '${id}'.`, { param: "id" });
  return { ...updated, cache: presentCache(updated.cache) };
}

/** DELETE /helix/keys/{id}: revoked keys fail on every instance from the next request. */
export async function revokeKeyResponse(request: Request, id: string) {
  await requireAdmin(request);
  const revoked = await revokeApiKey(id);
  if (!revoked) throw new NotFoundError(`No API key with id '${id}'.`, { param: "id" });
  return { id, revoked: true };
}
