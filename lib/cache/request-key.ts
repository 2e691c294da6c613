// What makes two requests "the same" for the caches. Everything that can change the answer is
// in the key; what cannot (streaming, end-user attribution) is left out so a streamed and a
// non-streamed request share one entry.
import "server-only";
import { createHash } from "node:crypto";
import type { ChatCompletionRequest, ChatMessage } from "@/lib/gateway/openai-contract";
import type { Caller } from "@/lib/gateway/context";

/** Request fields that do not change the answer. Unknown fields stay in the key: they might. */
const NOT_IN_KEY = new Set([
  "stream",
  "stream_options",
  "user",
  "metadata",
  "store",
  "service_tier",
  "prompt_cache_key",
  "safety_identifier",
]);

/** JSON with object keys sorted at every level, so key order in the request does not matter. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Whose cache an entry belongs to. By default a tenant is the key's team, else the key, else (local
 * mode) the key's hash, so one team never sees another's answers; "global" shares across all keys.
 */
export function tenantOf(caller: Caller | undefined, scope: "tenant" | "global"): string {
  if (scope === "global") return "global";
  // Never the master key's hash: tenants end up in cache entries and metrics.
  if (caller?.kind === "master") return "master";
  if (caller?.teamId) return `team:${caller.teamId}`;
  if (caller?.keyId) return `key:${caller.keyId}`;
  return `hash:${caller?.keyHash ?? "anonymous"}`;
}

function answerShaping(req: ChatCompletionRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) {
    if (k !== "messages" && !NOT_IN_KEY.has(k) && v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/** The exact-cache key: tenant, model, every message and every answer-shaping setting. */
export function exactKey(tenant: string, req: ChatCompletionRequest): string {
  return sha256(canonicalJson({ v: 1, tenant, settings: answerShaping(req), messages: req.messages }));
}

/** The text of a message's content (text parts joined); undefined when it has none. */
export function messageText(m: ChatMessage): string | undefined {
  const c = m.content;
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return undefined;
  const texts = c.filter((p) => p.type === "text").map((p) => (p as { text: string }).text);
  // A turn with images or audio is not described by its text alone.
  if (texts.length !== c.length) return undefined;
  return texts.join("\n");
}

export interface SemanticKey {
  /** Everything except the last user turn's text: a semantic hit must match it exactly. */
  scope: string;
  /** The last user turn, the part that may be paraphrased. */
  text: string;
}

/**
 * The semantic cache's view of a request, or undefined when the request cannot be served
 * semantically (the last message is not a plain-text user turn).
 */
export function semanticKey(tenant: string, req: ChatCompletionRequest): SemanticKey | undefined {
  const last = req.messages.at(-1);
  if (!last || last.role !== "user") return undefined;
  const text = messageText(last);
  if (text === undefined || text.trim() === "") return undefined;
  const scope = sha256(canonicalJson({ v: 1, tenant, settings: answerShaping(req), earlier: req.messages.slice(0, -1) }));
  return { scope, text };
}
