// Any server that speaks the OpenAI API (Ollama, vLLM, LM Studio, Azure-style deployments). It has
// no default base URL: the config names one.
import "server-only";
import { createOpenAICompatibleProvider } from "./base";

export const openAICompatibleProvider = createOpenAICompatibleProvider({ id: "openai-compatible" });
