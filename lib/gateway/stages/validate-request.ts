import "server-only";
import { ChatCompletionRequestSchema, EmbeddingsRequestSchema } from "../openai-contract";
import { readJsonBody } from "@/lib/http/read-json-body";
import { chatPromptTokens, embeddingsPromptTokens } from "@/lib/cost/prompt-size";
import type { GatewayContext } from "../context";

/** Stage: the body is valid JSON of the endpoint's OpenAI shape, within the size limit; its prompt size estimated. */
export async function validateRequest(ctx: GatewayContext): Promise<void> {
  const limit = ctx.config.helix_settings.general.max_body_bytes;
  if (ctx.endpoint === "chat.completions") {
    ctx.chatRequest = await readJsonBody(ctx.request, ChatCompletionRequestSchema, limit);
    ctx.requestedModel = ctx.chatRequest.model;
    ctx.promptTokens = chatPromptTokens(ctx.chatRequest);
  } else {
    ctx.embeddingsRequest = await readJsonBody(ctx.request, EmbeddingsRequestSchema, limit);
    ctx.requestedModel = ctx.embeddingsRequest.model;
    ctx.promptTokens = embeddingsPromptTokens(ctx.embeddingsRequest);
  }
}
