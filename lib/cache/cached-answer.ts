// One cached answer, stored once whether it came from a streamed or a plain request, and served
// back in either form: as a chat.completion to plain requests, as a well-formed chunk stream
// (role, content, tool calls, finish, optional usage) to streaming ones.
import "server-only";
import { randomBytes } from "node:crypto";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChunkToolCallDelta,
  FinishReason,
  ToolCall,
  Usage,
} from "@/lib/gateway/openai-contract";

export interface CachedAnswer {
  v: 1;
  completion: ChatCompletion;
  /** For invalidation and analytics. */
  requestedModel: string;
  tenant: string;
  provider: string;
  /** The last user turn as embedded (PII already removed): the semantic guard compares it. */
  semanticText?: string;
  /** When it was stored (ms epoch) and how long the upstream took: the latency a hit avoids. */
  storedAt: number;
  upstreamLatencyMs: number;
}

function newId(): string {
  return `chatcmpl-${randomBytes(18).toString("base64url").slice(0, 24)}`;
}

/**
 * Rebuilds the complete answer from a finished stream. Undefined when the stream did not finish
 * normally (no finish_reason on some choice): a truncated answer must never be cached.
 */
export function completionFromChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion | undefined {
  if (chunks.length === 0) return undefined;
  const first = chunks[0];
  const choices = new Map<number, { content: string; refusal: string; tools: Map<number, ToolCall>; finish: FinishReason | null; hasContent: boolean }>();
  let usage: Usage | undefined;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      let acc = choices.get(c.index);
      if (!acc) {
        acc = { content: "", refusal: "", tools: new Map(), finish: null, hasContent: false };
        choices.set(c.index, acc);
      }
      if (typeof c.delta.content === "string") {
        acc.content += c.delta.content;
        acc.hasContent ||= c.delta.content !== "";
      }
      if (typeof c.delta.refusal === "string") acc.refusal += c.delta.refusal;
      for (const t of c.delta.tool_calls ?? []) mergeToolDelta(acc.tools, t);
      if (c.finish_reason) acc.finish = c.finish_reason;
    }
  }
  if (choices.size === 0 || [...choices.values()].some((c) => c.finish === null)) return undefined;
  return {
    id: first.id,
    object: "chat.completion",
    created: first.created,
    model: first.model,
    choices: [...choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => {
        const tools = [...c.tools.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
        const message: ChatCompletionMessage = {
          role: "assistant",
          content: c.hasContent || tools.length === 0 ? c.content : null,
          refusal: c.refusal === "" ? null : c.refusal,
        };
        if (tools.length > 0) message.tool_calls = tools;
        return { index, message, finish_reason: c.finish, logprobs: null };
      }),
    ...(usage ? { usage } : {}),
    ...(first.system_fingerprint ? { system_fingerprint: first.system_fingerprint } : {}),
  };
}

function mergeToolDelta(tools: Map<number, ToolCall>, d: ChunkToolCallDelta): void {
  const existing = tools.get(d.index);
  if (!existing) {
    tools.set(d.index, {
      id: d.id ?? "",
      type: "function",
      function: { name: d.function?.name ?? "", arguments: d.function?.arguments ?? "" },
    });
    return;
  }
  if (d.id) existing.id = d.id;
  if (d.function?.name) existing.function.name += d.function.name;
  if (d.function?.arguments) existing.function.arguments += d.function.arguments;
}

/** The cached completion as a fresh response (its own id and time: it is a new answer to a new request). */
export function completionForHit(answer: CachedAnswer): ChatCompletion {
  return { ...answer.completion, id: newId(), created: Math.floor(Date.now() / 1000) };
}

/**
 * The cached completion replayed as the chunks a streaming client expects, ending with the usage
 * chunk (the SSE writer drops it when the client did not ask for usage).
 */
export function chunksForHit(answer: CachedAnswer): ChatCompletionChunk[] {
  const c = completionForHit(answer);
  const head = { id: c.id, object: "chat.completion.chunk" as const, created: c.created, model: c.model };
  const out: ChatCompletionChunk[] = [];
  for (const choice of c.choices) {
    const m = choice.message;
    out.push({ ...head, choices: [{ index: choice.index, delta: { role: "assistant", content: "" }, finish_reason: null, logprobs: null }] });
    if (m.content) out.push({ ...head, choices: [{ index: choice.index, delta: { content: m.content }, finish_reason: null, logprobs: null }] });
    if (m.refusal) out.push({ ...head, choices: [{ index: choice.index, delta: { refusal: m.refusal }, finish_reason: null, logprobs: null }] });
    (m.tool_calls ?? []).forEach((t, i) => {
      out.push({
        ...head,
        choices: [
          {
            index: choice.index,
            delta: { tool_calls: [{ index: i, id: t.id, type: "function", function: { name: t.function.name, arguments: t.function.arguments } }] },
            finish_reason: null,
            logprobs: null,
          },
        ],
      });
    });
    out.push({ ...head, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason, logprobs: null }] });
  }
  if (c.usage) out.push({ ...head, choices: [], usage: c.usage });
  return out;
}
