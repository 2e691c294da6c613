// Anthropic Messages API wire format (POST /v1/messages), non-stream and SSE.
import { splitArgs, splitWords } from "./answer";
import type { Answer, ChatView, Reply, StreamEvent, ToolChoice } from "./types";
import { asString, isObj } from "./util";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicError(status: number, message?: string): Reply {
  const type = ERROR_TYPES[status] ?? (status === 503 ? "overloaded_error" : status >= 500 ? "api_error" : "invalid_request_error");
  return {
    status,
    body: { type: "error", error: { type, message: message ?? `Fake upstream error ${status} (${type}).` } },
  };
}

/**
 * Missing key → 401; missing version → 400, as the real API answers. The key comes as x-api-key
 * (raw HTTP clients) or as Authorization: Bearer, which @anthropic-ai/sdk 1.x sends instead.
 */
export function anthropicAuth(headers: Record<string, string | string[] | undefined>): Reply | null {
  const auth = headers.authorization;
  const bearer = typeof auth === "string" ? /^Bearer\s+(\S+)/i.exec(auth)?.[1] : undefined;
  const header = headers["x-api-key"];
  const key = typeof header === "string" && header !== "" ? header : bearer;
  if (!key) return anthropicError(401, "x-api-key header is required");
  if (key.startsWith("invalid")) return anthropicError(401, "invalid x-api-key");
  const version = headers["anthropic-version"];
  if (typeof version !== "string" || version === "") return anthropicError(400, "anthropic-version: header is required");
  return null;
}

function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === "text" && typeof b.text === "string") parts.push(b.text);
    else if (b.type === "image") parts.push("[image]");
    else if (b.type === "document") parts.push("[document]");
    else if (b.type === "tool_result") parts.push(toolResultText(b.content));
  }
  return parts.join(" ");
}

function toolResultText(content: unknown): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return blocksText(content);
  return asString(content);
}

/** Text of a user turn without its tool_result blocks (the directives and echo live there). */
function userText(content: unknown): string {
  if (!Array.isArray(content)) return blocksText(content);
  return blocksText(content.filter((b) => !(isObj(b) && b.type === "tool_result")));
}

export function parseAnthropicChat(body: unknown): ChatView | Reply {
  if (!isObj(body)) return anthropicError(400, "Request body must be a JSON object.");
  if (typeof body.model !== "string" || body.model === "") return anthropicError(400, "model: Field required");
  if (typeof body.max_tokens !== "number") return anthropicError(400, "max_tokens: Field required");
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    return anthropicError(400, "messages: at least one message is required");

  const texts: string[] = [];
  const system = body.system === undefined ? "" : blocksText(body.system);
  if (body.system !== undefined) texts.push(system);
  let lastUserText = "";
  let toolResult: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m) || (m.role !== "user" && m.role !== "assistant"))
      return anthropicError(400, `messages.${i}.role: Input should be 'user' or 'assistant'`);
    texts.push(blocksText(m.content));
    if (m.role === "user") {
      const t = userText(m.content);
      if (t !== "" || !Array.isArray(m.content)) lastUserText = t;
    }
  }
  const last = messages[messages.length - 1] as Record<string, unknown>;
  if (last.role === "user" && Array.isArray(last.content)) {
    for (const b of last.content) if (isObj(b) && b.type === "tool_result") toolResult = toolResultText(b.content);
  }

  const tools: string[] = [];
  if (Array.isArray(body.tools)) for (const t of body.tools) if (isObj(t) && typeof t.name === "string") tools.push(t.name);
  let toolChoice: ToolChoice = { type: "auto" };
  const tc = body.tool_choice;
  if (isObj(tc) && tc.type === "none") toolChoice = { type: "none" };
  else if (isObj(tc) && tc.type === "tool" && typeof tc.name === "string") toolChoice = { type: "named", name: tc.name };

  return {
    model: body.model,
    system: system !== "" ? system : null,
    texts,
    lastUserText,
    lastIsUser: last.role === "user" && toolResult === null,
    toolResult,
    tools,
    toolChoice,
    jsonMode: false,
    stream: body.stream === true,
  };
}

function contentBlock(a: Answer): unknown {
  return a.kind === "text"
    ? { type: "text", text: a.text }
    : { type: "tool_use", id: a.id, name: a.name, input: a.input };
}

export function anthropicMessage(model: string, a: Answer, seq: number): unknown {
  return {
    id: `msg_fake${seq}`,
    type: "message",
    role: "assistant",
    model,
    content: [contentBlock(a)],
    stop_reason: a.kind === "text" ? "end_turn" : "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: a.promptTokens,
      output_tokens: a.completionTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

function sse(type: string, data: unknown, content = false): StreamEvent {
  return { data: `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`, content };
}

/** message_start, content_block_start, ping, deltas, content_block_stop, message_delta, message_stop. */
export function anthropicStreamEvents(model: string, a: Answer, seq: number, noDone: boolean): StreamEvent[] {
  const events: StreamEvent[] = [
    sse("message_start", {
      type: "message_start",
      message: {
        id: `msg_fake${seq}`,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: a.promptTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }),
  ];
  if (a.kind === "text") {
    events.push(sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
    events.push(sse("ping", { type: "ping" }));
    for (const w of splitWords(a.text)) {
      events.push(sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: w } }, true));
    }
  } else {
    events.push(
      sse("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: a.id, name: a.name, input: {} },
      }),
    );
    events.push(sse("ping", { type: "ping" }));
    for (const piece of splitArgs(a.args)) {
      events.push(
        sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: piece } }, true),
      );
    }
  }
  events.push(sse("content_block_stop", { type: "content_block_stop", index: 0 }));
  events.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: a.kind === "text" ? "end_turn" : "tool_use", stop_sequence: null },
      usage: { output_tokens: a.completionTokens },
    }),
  );
  if (!noDone) events.push(sse("message_stop", { type: "message_stop" }));
  return events;
}

export const FAKE_ANTHROPIC_MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5"];

export function anthropicModels(): unknown {
  const data = FAKE_ANTHROPIC_MODELS.map((id) => ({
    type: "model",
    id,
    display_name: id,
    created_at: "2025-01-01T00:00:00Z",
  }));
  return { data, has_more: false, first_id: data[0].id, last_id: data[data.length - 1].id };
}
