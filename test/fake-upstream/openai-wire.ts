// OpenAI Chat Completions / Embeddings / Models wire format (also Groq's, under /openai/v1).
import { countWords, splitArgs, splitWords } from "./answer";
import { DEFAULT_EMBEDDING_DIMS, embed, toBase64Float32 } from "./embedding";
import type { Answer, ChatView, Reply, StreamEvent, ToolChoice } from "./types";
import { isObj } from "./util";

const ERROR_TYPES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Invalid request." },
  401: { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory", message: "Forbidden." },
  404: { type: "invalid_request_error", code: null, message: "Not found." },
  429: {
    type: "requests",
    code: "rate_limit_exceeded",
    message: "Rate limit reached for requests (fake upstream). Please try again later.",
  },
  500: { type: "server_error", code: null, message: "The server had an error while processing your request." },
  503: { type: "server_error", code: null, message: "The engine is currently overloaded, please try again later." },
};

export function openaiError(
  status: number,
  message?: string,
  opts: { code?: string | null; param?: string | null; type?: string } = {},
): Reply {
  const base = ERROR_TYPES[status] ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
    message: `Fake upstream error ${status}.`,
  };
  return {
    status,
    body: {
      error: {
        message: message ?? base.message,
        type: opts.type ?? base.type,
        param: opts.param ?? null,
        code: opts.code === undefined ? base.code : opts.code,
      },
    },
  };
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const p of content) {
    if (!isObj(p)) continue;
    if (p.type === "text" && typeof p.text === "string") parts.push(p.text);
    else if (p.type === "image_url") parts.push("[image]");
    else if (p.type === "input_audio") parts.push("[audio]");
    else if (p.type === "file") parts.push("[file]");
    else if (p.type === "refusal" && typeof p.refusal === "string") parts.push(p.refusal);
  }
  return parts.join(" ");
}

/** A ChatView, or an error message for a 400. */
export function parseOpenAIChat(body: unknown): ChatView | Reply {
  if (!isObj(body)) return openaiError(400, "Request body must be a JSON object.");
  if (typeof body.model !== "string" || body.model === "")
    return openaiError(400, "you must provide a model parameter", { param: "model" });
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    return openaiError(400, "[] is too short - 'messages'", { param: "messages", code: "empty_array" });

  const texts: string[] = [];
  const system: string[] = [];
  let lastUserText = "";
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m) || typeof m.role !== "string")
      return openaiError(400, `Missing required parameter: 'messages[${i}].role'.`, { param: `messages[${i}].role` });
    const text = contentText(m.content);
    texts.push(text);
    if (m.role === "system" || m.role === "developer") system.push(text);
    else if (m.role === "user") lastUserText = text;
  }
  const last = messages[messages.length - 1] as Record<string, unknown>;

  const tools: string[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools) {
      if (isObj(t) && isObj(t.function) && typeof t.function.name === "string") tools.push(t.function.name);
    }
  }
  let toolChoice: ToolChoice = { type: "auto" };
  const tc = body.tool_choice;
  if (tc === "none") toolChoice = { type: "none" };
  else if (isObj(tc) && isObj(tc.function) && typeof tc.function.name === "string")
    toolChoice = { type: "named", name: tc.function.name };

  const rf = body.response_format;
  const jsonMode = isObj(rf) && (rf.type === "json_object" || rf.type === "json_schema");

  return {
    model: body.model,
    system: system.length > 0 && system.join(" ") !== "" ? system.join(" ") : null,
    texts,
    lastUserText,
    lastIsUser: last.role === "user",
    toolResult: last.role === "tool" || last.role === "function" ? contentText(last.content) : null,
    tools,
    toolChoice,
    jsonMode,
    stream: body.stream === true,
  };
}

export function includeUsage(body: unknown): boolean {
  return isObj(body) && isObj(body.stream_options) && body.stream_options.include_usage === true;
}

function usage(a: Answer) {
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

export function openaiCompletion(model: string, a: Answer, seq: number, created: number): unknown {
  const message =
    a.kind === "text"
      ? { role: "assistant", content: a.text, refusal: null, annotations: [] }
      : {
          role: "assistant",
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [{ id: a.id, type: "function", function: { name: a.name, arguments: a.args } }],
        };
  return {
    id: `chatcmpl-fake${seq}`,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: a.kind === "text" ? "stop" : "tool_calls" }],
    usage: usage(a),
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

export function openaiStreamEvents(
  model: string,
  a: Answer,
  seq: number,
  created: number,
  withUsage: boolean,
  noDone: boolean,
): StreamEvent[] {
  const id = `chatcmpl-fake${seq}`;
  // With include_usage every chunk carries usage: null, as OpenAI does.
  const chunk = (delta: unknown, finish: string | null, content: boolean): StreamEvent => ({
    data: `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(withUsage ? { usage: null } : {}),
    })}\n\n`,
    content,
  });

  const events: StreamEvent[] = [];
  if (a.kind === "text") {
    events.push(chunk({ role: "assistant", content: "", refusal: null }, null, false));
    for (const w of splitWords(a.text)) events.push(chunk({ content: w }, null, true));
    events.push(chunk({}, "stop", false));
  } else {
    events.push(
      chunk(
        {
          role: "assistant",
          content: null,
          tool_calls: [{ index: 0, id: a.id, type: "function", function: { name: a.name, arguments: "" } }],
          refusal: null,
        },
        null,
        false,
      ),
    );
    for (const piece of splitArgs(a.args)) {
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null, true));
    }
    events.push(chunk({}, "tool_calls", false));
  }
  if (withUsage) {
    events.push({
      data: `data: ${JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        system_fingerprint: "fp_fake",
        choices: [],
        usage: usage(a),
      })}\n\n`,
      content: false,
    });
  }
  if (!noDone) events.push({ data: "data: [DONE]\n\n", content: false });
  return events;
}

/** The embeddings response, or a 400. */
export function openaiEmbeddings(body: unknown): Reply {
  if (!isObj(body)) return openaiError(400, "Request body must be a JSON object.");
  if (typeof body.model !== "string" || body.model === "")
    return openaiError(400, "you must provide a model parameter", { param: "model" });
  const input = body.input;
  let items: string[];
  let tokens = 0;
  if (typeof input === "string") items = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string")) items = input;
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "number")) items = [JSON.stringify(input)];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => Array.isArray(x))) items = input.map((x) => JSON.stringify(x));
  else return openaiError(400, "'input' is a required property", { param: "input" });

  if (Array.isArray(input) && typeof input[0] !== "string") {
    // Token arrays count their tokens.
    tokens = typeof input[0] === "number" ? input.length : (input as unknown[][]).reduce((n, x) => n + x.length, 0);
  } else {
    for (const t of items) tokens += countWords(t);
  }
  const dims = typeof body.dimensions === "number" && body.dimensions > 0 ? Math.floor(body.dimensions) : DEFAULT_EMBEDDING_DIMS;
  const base64 = body.encoding_format === "base64";
  const response = {
    object: "list",
    data: items.map((t, index) => {
      const v = embed(t, dims);
      return { object: "embedding", index, embedding: base64 ? toBase64Float32(v) : v };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  return { status: 200, body: response };
}

export const FAKE_OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "llama-3.3-70b-versatile"];

export function openaiModel(id: string): unknown {
  return { id, object: "model", created: 1_700_000_000, owned_by: "fake-upstream" };
}

export function openaiModels(): unknown {
  return { object: "list", data: FAKE_OPENAI_MODELS.map(openaiModel) };
}
