// OpenAI itself: the wire format is ours, so no quirks.
import "server-only";
import { createOpenAICompatibleProvider } from "../openai-compatible/base";

/** The official SDK's base URL (requests go to `${apiBase}/chat/completions`). */
export const OPENAI_DEFAULT_API_BASE = "https://api.openai.com/v1";

export const openAIProvider = createOpenAICompatibleProvider({ id: "openai" });
