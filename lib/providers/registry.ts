// Provider lookup. Adding a provider = a folder under lib/providers/ and one line in each map.
import "server-only";
import { env } from "@/lib/env";
import { ANTHROPIC_DEFAULT_API_BASE, anthropicProvider } from "./anthropic/provider";
import { GEMINI_DEFAULT_API_BASE, geminiProvider } from "./gemini/provider";
import { GROQ_DEFAULT_API_BASE, groqProvider } from "./groq/provider";
import { OPENAI_DEFAULT_API_BASE, openAIProvider } from "./openai/provider";
import { openAICompatibleProvider } from "./openai-compatible/provider";
import type { Provider, ProviderId } from "./types";

const PROVIDERS: Record<ProviderId, Provider> = {
  openai: openAIProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  groq: groqProvider,
  "openai-compatible": openAICompatibleProvider,
};

/** Official base URLs, in each SDK's convention. A generic OpenAI-compatible server has none. */
const OFFICIAL_API_BASE: Record<ProviderId, string | undefined> = {
  openai: OPENAI_DEFAULT_API_BASE,
  anthropic: ANTHROPIC_DEFAULT_API_BASE,
  gemini: GEMINI_DEFAULT_API_BASE,
  groq: GROQ_DEFAULT_API_BASE,
  "openai-compatible": undefined,
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(PROVIDERS, id);
}

export function getProvider(id: ProviderId): Provider {
  const p = PROVIDERS[id];
  if (!p) throw new Error(`Unknown provider '${id}'`);
  return p;
}

/** The provider's official base URL, ignoring the environment. */
export function officialApiBase(id: ProviderId): string | undefined {
  return OFFICIAL_API_BASE[id];
}

/** Base URL when the config names none: `<PROVIDER>_BASE_URL` from the environment, else the official one. */
export function defaultApiBase(id: ProviderId): string | undefined {
  const e = env();
  const fromEnv: Record<ProviderId, string | undefined> = {
    openai: e.OPENAI_BASE_URL,
    anthropic: e.ANTHROPIC_BASE_URL,
    gemini: e.GEMINI_BASE_URL,
    groq: e.GROQ_BASE_URL,
    "openai-compatible": undefined,
  };
  return fromEnv[id] ?? OFFICIAL_API_BASE[id];
}

/** API key when the config names none: the provider's conventional environment variable. */
export function defaultApiKey(id: ProviderId): string | undefined {
  const e = env();
  const keys: Record<ProviderId, string | undefined> = {
    openai: e.OPENAI_API_KEY,
    anthropic: e.ANTHROPIC_API_KEY,
    gemini: e.GOOGLE_API_KEY,
    groq: e.GROQ_API_KEY,
    "openai-compatible": undefined,
  };
  return keys[id];
}
