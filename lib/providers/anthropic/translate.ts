// OpenAI chat ⇄ Anthropic Messages API. Pure functions, no I/O.
import "server-only";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FinishReason,
  ToolCall,
  Usage,
} from "@/lib/gateway/openai-contract";
import { BadGatewayError, InvalidRequestError, UpstreamError } from "@/lib/errors";
import { unexpectedEnd, type SseEvent } from "../http";
import { chunk, newCompletionId, nowSeconds, parseDataUrl, usageChunk, type ChunkHead } from "../openai-shapes";

/** Anthropic requires max_tokens; this is used when the client set none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

// ---- Anthropic wire types (the parts we use) ----

type CacheControl = { cache_control?: unknown };
export type AnthropicBlock =
  | ({ type: "text"; text: string } & CacheControl)
  | ({ type: "image"; source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string } } & CacheControl)
  | ({ type: "document"; source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string } } & CacheControl)
  | ({ type: "tool_use"; id: string; name: string; input: unknown } & CacheControl)
  | ({ type: "tool_result"; tool_use_id: string; content: string | AnthropicBlock[] } & CacheControl);

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export interface AnthropicRequest {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: string;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  tools?: Array<{ name: string; description?: string; input_schema: unknown }>;
  tool_choice?: { type: "auto" | "any" | "none" | "tool"; name?: string; disable_parallel_tool_use?: boolean };
  metadata?: { user_id: string };
  thinking?: unknown;
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export interface AnthropicResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: AnthropicUsage;
}

// ---- request ----

export function toAnthropicRequest(req: ChatCompletionRequest, upstreamModel: string): AnthropicRequest {
  if (typeof req.n === "number" && req.n > 1) {
    throw new InvalidRequestError("Anthropic models return one choice per request; n must be 1.", { param: "n" });
  }
  const systemParts: string[] = [];
  const turns: AnthropicMessage[] = [];
  const push = (role: "user" | "assistant", blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return;
    const prev = turns[turns.length - 1];
    // Anthropic needs strictly alternating roles: consecutive same-role turns become one.
    if (prev && prev.role === role) prev.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  req.messages.forEach((m: ChatMessage, i: number) => {
    switch (m.role) {
      case "system":
      case "developer": {
        const text = textOf(m.content, `messages[${i}].content`);
        if (text.trim() !== "") systemParts.push(text);
        break;
      }
      case "user":
        push("user", contentBlocks(m.content, `messages[${i}].content`));
        break;
      case "assistant": {
        const blocks: AnthropicBlock[] = m.content == null ? [] : contentBlocks(m.content, `messages[${i}].content`);
        if (typeof m.refusal === "string" && m.refusal !== "" && blocks.length === 0) blocks.push({ type: "text", text: m.refusal });
        for (const tc of m.tool_calls ?? []) {
          blocks.push({ type: "tool_use", id: tc.id, name: tc.function.name, input: parseArguments(tc.function.arguments) });
        }
        push("assistant", blocks);
        break;
      }
      case "tool": {
        const inner = typeof m.content === "string" ? m.content : contentBlocks(m.content, `messages[${i}].content`);
        push("user", [{ type: "tool_result", tool_use_id: m.tool_call_id, content: inner }]);
        break;
      }
      case "function":
        // Legacy function-calling results carry no call id, so they can only be plain text.
        push("user", [{ type: "text", text: `Result of function ${m.name}: ${m.content ?? ""}` }]);
        break;
    }
  });

  for (const t of turns) {
    // Anthropic wants tool_result blocks before any text in a user turn.
    if (t.role === "user") t.content.sort((a, b) => rank(a) - rank(b));
  }
  if (turns.length === 0 || turns[0].role !== "user") {
    // Anthropic requires the conversation to start with a user turn.
    turns.unshift({ role: "user", content: [{ type: "text", text: "(continue)" }] });
  }

  const out: AnthropicRequest = {
    model: upstreamModel,
    messages: turns,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
  };

  // Anthropic has no JSON mode. Without client tools, a forced tool whose input schema is the
  // requested one gives schema-valid JSON (the answer is the tool's input, sent back as content).
  // With client tools the forced tool would take their place, so an instruction is the best effort.
  const rf = req.response_format;
  const jsonTool = usesJsonTool(req);
  if (jsonTool && (rf?.type === "json_object" || rf?.type === "json_schema")) {
    const schema = rf.type === "json_schema" && rf.json_schema.schema ? rf.json_schema.schema : { type: "object" };
    out.tools = [
      {
        name: JSON_TOOL_NAME,
        description: rf.type === "json_schema" ? (rf.json_schema.description ?? `Respond with ${rf.json_schema.name}`) : "Respond with a JSON object",
        input_schema: schema,
      },
    ];
    out.tool_choice = { type: "tool", name: JSON_TOOL_NAME };
  } else if (rf?.type === "json_object") {
    systemParts.push("Respond only with a single valid JSON object, with no text before or after it.");
  } else if (rf?.type === "json_schema") {
    const schema = rf.json_schema.schema ? JSON.stringify(rf.json_schema.schema) : "{}";
    systemParts.push(
      `Respond only with a single valid JSON object, with no text before or after it, that conforms to this JSON Schema (named "${rf.json_schema.name}"): ${schema}`,
    );
  }
  if (systemParts.length > 0) out.system = systemParts.join("\n\n");

  // Anthropic's temperature range is 0..1; OpenAI's is 0..2.
  if (typeof req.temperature === "number") out.temperature = Math.min(req.temperature, 1);
  if (typeof req.top_p === "number") out.top_p = req.top_p;
  if (req.stop != null) {
    const stops = (typeof req.stop === "string" ? [req.stop] : req.stop).filter((s) => s.trim() !== "");
    if (stops.length > 0) out.stop_sequences = stops;
  }
  if (req.user) out.metadata = { user_id: req.user };
  // Anthropic-only knobs some clients send through OpenAI SDKs (extra_body).
  const extra = req as Record<string, unknown>;
  if (typeof extra.top_k === "number") out.top_k = extra.top_k;
  if (extra.thinking && typeof extra.thinking === "object") out.thinking = extra.thinking;

  if (req.tools && req.tools.length > 0) {
    out.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: "object", properties: {} },
    }));
    const tc = req.tool_choice;
    if (tc === "none") {
      // Definitions stay (earlier tool_use blocks refer to them); calls are forbidden.
      out.tool_choice = { type: "none" };
    } else if (tc !== undefined || req.parallel_tool_calls === false) {
      const choice: NonNullable<AnthropicRequest["tool_choice"]> =
        tc === "required" ? { type: "any" } : typeof tc === "object" ? { type: "tool", name: tc.function.name } : { type: "auto" };
      if (req.parallel_tool_calls === false) choice.disable_parallel_tool_use = true;
      out.tool_choice = choice;
    }
  }
  return out;
}

/** The tool Helix forces to get JSON mode from Anthropic; its input is the answer. */
export const JSON_TOOL_NAME = "json_response";

/** JSON mode through a forced tool: only when the client sent no tools of its own. */
export function usesJsonTool(req: ChatCompletionRequest): boolean {
  const t = req.response_format?.type;
  return (t === "json_object" || t === "json_schema") && !(req.tools && req.tools.length > 0);
}

function rank(b: AnthropicBlock): number {
  return b.type === "tool_result" ? 0 : 1;
}

function parseArguments(args: string): unknown {
  // Models sometimes emit invalid JSON arguments and clients echo them back; Anthropic needs an
  // object, so anything else is wrapped rather than failing the whole conversation.
  if (args.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? v : { value: v };
  } catch {
    return { raw_arguments: args };
  }
}

function textOf(content: string | ContentPart[], param: string): string {
  if (typeof content === "string") return content;
  return content
    .map((p) => {
      if (p.type === "text") return p.text;
      throw new InvalidRequestError(`Only text is supported in system messages for Anthropic models (got '${p.type}').`, { param });
    })
    .join("\n");
}

function contentBlocks(content: string | ContentPart[], param: string): AnthropicBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: AnthropicBlock[] = [];
  for (const p of content) {
    // Anthropic-style prompt caching marks pass through when clients send them on OpenAI parts.
    const cache = (p as { cache_control?: unknown }).cache_control;
    const cc = cache === undefined ? {} : { cache_control: cache };
    switch (p.type) {
      case "text":
        if (p.text !== "") blocks.push({ type: "text", text: p.text, ...cc });
        break;
      case "refusal":
        if (p.refusal !== "") blocks.push({ type: "text", text: p.refusal, ...cc });
        break;
      case "image_url": {
        const url = p.image_url.url;
        const data = parseDataUrl(url);
        if (data) blocks.push({ type: "image", source: { type: "base64", media_type: data.mediaType, data: data.data }, ...cc });
        else if (/^https?:\/\//i.test(url)) blocks.push({ type: "image", source: { type: "url", url }, ...cc });
        else throw new InvalidRequestError("image_url must be an http(s) URL or a base64 data: URL.", { param });
        break;
      }
      case "file": {
        const file = p.file as { file_data?: unknown };
        const data = typeof file.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
        if (!data) throw new InvalidRequestError("Anthropic models accept files only as base64 data: URLs in file.file_data.", { param });
        blocks.push({ type: "document", source: { type: "base64", media_type: data.mediaType, data: data.data }, ...cc });
        break;
      }
      case "input_audio":
        throw new InvalidRequestError("Anthropic models do not accept audio input.", { param });
    }
  }
  return blocks;
}

// ---- response ----

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn
      return "stop";
  }
}

export function mapUsage(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  // Anthropic's input_tokens excludes cache reads and writes; OpenAI's prompt_tokens includes them.
  const prompt = (u.input_tokens ?? 0) + cacheRead + (u.cache_creation_input_tokens ?? 0);
  const completion = u.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: u.cache_creation_input_tokens ?? 0 },
  };
}

export function fromAnthropicResponse(res: AnthropicResponse, jsonTool = false): ChatCompletion {
  if (!Array.isArray(res.content)) throw new BadGatewayError("anthropic returned a message without 'content'");
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const b of res.content) {
    if (b.type === "text" && typeof b.text === "string") text += b.text;
    else if (jsonTool && b.type === "tool_use" && b.name === JSON_TOOL_NAME) text += JSON.stringify(b.input ?? {});
    else if (b.type === "tool_use" && b.id && b.name) {
      toolCalls.push({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
    }
    // thinking / redacted_thinking blocks have no OpenAI equivalent in the contract and are dropped.
  }
  return {
    id: newCompletionId(),
    object: "chat.completion",
    created: nowSeconds(),
    model: res.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text === "" && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: jsonTool && res.stop_reason === "tool_use" ? "stop" : mapStopReason(res.stop_reason),
        logprobs: null,
      },
    ],
    usage: mapUsage(res.usage ?? {}),
  };
}

// ---- stream ----

/** The fields of Anthropic stream events we read; every one is checked before use. */
interface StreamEvent {
  type?: string;
  index?: number;
  message?: { model?: unknown; usage?: unknown };
  content_block?: { type?: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: unknown;
  error?: { type?: string; message?: string };
}

const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** Anthropic stream events → OpenAI chunks, ending with a finish chunk and a usage chunk. */
export async function* translateAnthropicStream(
  events: AsyncIterable<SseEvent>,
  fallbackModel: string,
  jsonTool = false,
  /** Cleans an error event's text of the credentials sent (some servers and proxies quote them). */
  scrub: (text: string) => string = (t) => t,
): AsyncGenerator<ChatCompletionChunk> {
  const head: ChunkHead = { id: newCompletionId(), created: nowSeconds(), model: fallbackModel };
  const usage: AnthropicUsage = {};
  // Anthropic indexes all content blocks; OpenAI indexes tool calls among themselves.
  const toolIndex = new Map<number, number>();
  // Content-block indexes of the forced JSON tool: their input streams out as content.
  const jsonBlocks = new Set<number>();
  let started = false;
  let finished = false;
  let stopped = false;

  const start = function* () {
    if (!started) {
      started = true;
      yield chunk(head, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    }
  };

  for await (const ev of events) {
    if (stopped) continue; // drain to the end of the body so the socket stays reusable
    let data: StreamEvent;
    try {
      data = JSON.parse(ev.data) as StreamEvent;
    } catch {
      throw new BadGatewayError(`anthropic sent an unreadable stream event: ${ev.data.slice(0, 200)}`);
    }
    const type = (data.type as string | undefined) ?? ev.event;
    switch (type) {
      case "message_start": {
        const msg = data.message ?? {};
        if (typeof msg.model === "string") head.model = msg.model;
        Object.assign(usage, definedOnly(msg.usage));
        yield* start();
        break;
      }
      case "content_block_start": {
        yield* start();
        const block = data.content_block ?? {};
        if (jsonTool && block.type === "tool_use" && block.name === JSON_TOOL_NAME) {
          jsonBlocks.add(data.index ?? -1);
        } else if (block.type === "tool_use" && block.id && block.name) {
          const idx = toolIndex.size;
          toolIndex.set(data.index ?? -1, idx);
          yield chunk(head, [
            {
              index: 0,
              delta: { tool_calls: [{ index: idx, id: block.id, type: "function", function: { name: block.name, arguments: "" } }] },
              finish_reason: null,
            },
          ]);
        } else if (block.type === "text" && typeof block.text === "string" && block.text !== "") {
          yield chunk(head, [{ index: 0, delta: { content: block.text }, finish_reason: null }]);
        }
        break;
      }
      case "content_block_delta": {
        yield* start();
        const d = data.delta ?? {};
        if (d.type === "text_delta" && typeof d.text === "string") {
          yield chunk(head, [{ index: 0, delta: { content: d.text }, finish_reason: null }]);
        } else if (d.type === "input_json_delta" && typeof d.partial_json === "string" && jsonBlocks.has(data.index ?? -1)) {
          if (d.partial_json !== "") yield chunk(head, [{ index: 0, delta: { content: d.partial_json }, finish_reason: null }]);
        } else if (d.type === "input_json_delta" && typeof d.partial_json === "string") {
          const idx = toolIndex.get(data.index ?? -1);
          if (idx !== undefined && d.partial_json !== "") {
            yield chunk(head, [{ index: 0, delta: { tool_calls: [{ index: idx, function: { arguments: d.partial_json } }] }, finish_reason: null }]);
          }
        }
        // thinking_delta / signature_delta: no place for them in OpenAI chunks.
        break;
      }
      case "message_delta": {
        Object.assign(usage, definedOnly(data.usage));
        const reason = data.delta?.stop_reason;
        if (reason !== undefined && reason !== null && !finished) {
          yield* start();
          finished = true;
          const finish = jsonTool && reason === "tool_use" ? "stop" : mapStopReason(reason);
          yield chunk(head, [{ index: 0, delta: {}, finish_reason: finish }]);
        }
        break;
      }
      case "message_stop":
        stopped = true;
        break;
      case "error": {
        const e = data.error ?? {};
        const status = (e.type && ERROR_STATUS[e.type]) || 500;
        throw new UpstreamError("anthropic", status, typeof e.message === "string" ? scrub(e.message) : "anthropic stream error", {
          code: typeof e.type === "string" ? e.type : undefined,
        });
      }
      default:
        // ping, content_block_stop and event types added later carry nothing we need.
        break;
    }
  }
  if (!stopped) throw unexpectedEnd("anthropic", "no message_stop");
  yield* start();
  if (!finished) yield chunk(head, [{ index: 0, delta: {}, finish_reason: "stop" }]);
  yield usageChunk(head, mapUsage(usage));
}

function definedOnly(u: unknown): AnthropicUsage {
  if (!u || typeof u !== "object") return {};
  return Object.fromEntries(Object.entries(u).filter(([, v]) => typeof v === "number")) as AnthropicUsage;
}
