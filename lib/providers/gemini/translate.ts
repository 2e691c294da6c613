// OpenAI chat/embeddings ⇄ Gemini generateContent / embedContent. Pure functions, no I/O.
import "server-only";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ContentPart,
  EmbeddingsRequest,
  EmbeddingsResponse,
  FinishReason,
  ToolCall,
  Usage,
} from "@/lib/gateway/openai-contract";
import { BadGatewayError, InvalidRequestError } from "@/lib/errors";
import { streamedUpstreamError, unexpectedEnd, type SseEvent } from "../http";
import { chunk, newCompletionId, newToolCallId, nowSeconds, parseDataUrl, usageChunk, type ChunkHead } from "../openai-shapes";

// ---- Gemini wire types (the parts we use) ----

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  thoughtSignature?: string;
}

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: Array<{ functionDeclarations: Array<{ name: string; description?: string; parametersJsonSchema?: unknown }> }>;
  toolConfig?: { functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: string[] } };
  generationConfig?: {
    temperature?: number;
    topP?: number;
    maxOutputTokens?: number;
    stopSequences?: string[];
    candidateCount?: number;
    seed?: number;
    presencePenalty?: number;
    frequencyPenalty?: number;
    responseMimeType?: string;
    responseJsonSchema?: unknown;
  };
}

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  promptFeedback?: { blockReason?: string };
  error?: unknown;
}

// ---- request ----

export function toGeminiRequest(req: ChatCompletionRequest): GeminiRequest {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: "user" | "model", parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const prev = contents[contents.length - 1];
    // One turn per role change; parallel function responses must share one turn.
    if (prev && prev.role === role) prev.parts.push(...parts);
    else contents.push({ role, parts });
  };

  req.messages.forEach((m, i) => {
    const param = `messages[${i}].content`;
    switch (m.role) {
      case "system":
      case "developer":
        system.push(...parts(m.content, param));
        break;
      case "user":
        push("user", parts(m.content, param));
        break;
      case "assistant": {
        const ps = m.content == null ? [] : parts(m.content, param);
        for (const tc of m.tool_calls ?? []) {
          toolNames.set(tc.id, tc.function.name);
          const signature = thoughtSignatureOf(tc.id);
          ps.push({
            functionCall: { name: tc.function.name, args: parseArgs(tc.function.arguments) },
            ...(signature ? { thoughtSignature: signature } : {}),
          });
        }
        push("model", ps);
        break;
      }
      case "tool": {
        const name = toolNames.get(m.tool_call_id);
        if (!name) {
          throw new InvalidRequestError(
            `Tool message refers to tool_call_id '${m.tool_call_id}', which no earlier assistant message called (Gemini needs the function name).`,
            { param: `messages[${i}].tool_call_id` },
          );
        }
        const text = typeof m.content === "string" ? m.content : m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
        push("user", [{ functionResponse: { name, response: responseObject(text) } }]);
        break;
      }
      case "function":
        push("user", [{ functionResponse: { name: m.name, response: responseObject(m.content ?? "") } }]);
        break;
    }
  });

  const out: GeminiRequest = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };

  if (req.tools && req.tools.length > 0) {
    out.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          // parametersJsonSchema takes JSON Schema as OpenAI clients write it (additionalProperties,
          // $defs…); the older `parameters` field only accepts an OpenAPI subset and would 400.
          ...(t.function.parameters ? { parametersJsonSchema: t.function.parameters } : {}),
        })),
      },
    ];
    const tc = req.tool_choice;
    if (tc === "none") out.toolConfig = { functionCallingConfig: { mode: "NONE" } };
    else if (tc === "required") out.toolConfig = { functionCallingConfig: { mode: "ANY" } };
    else if (typeof tc === "object") out.toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [tc.function.name] } };
    else if (tc === "auto") out.toolConfig = { functionCallingConfig: { mode: "AUTO" } };
  }

  const g: NonNullable<GeminiRequest["generationConfig"]> = {};
  if (typeof req.temperature === "number") g.temperature = req.temperature;
  if (typeof req.top_p === "number") g.topP = req.top_p;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (typeof maxTokens === "number") g.maxOutputTokens = maxTokens;
  if (req.stop != null) g.stopSequences = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (typeof req.n === "number" && req.n > 1) g.candidateCount = req.n;
  if (typeof req.seed === "number") g.seed = req.seed;
  if (typeof req.presence_penalty === "number") g.presencePenalty = req.presence_penalty;
  if (typeof req.frequency_penalty === "number") g.frequencyPenalty = req.frequency_penalty;
  const rf = req.response_format;
  if (rf?.type === "json_object") g.responseMimeType = "application/json";
  else if (rf?.type === "json_schema") {
    g.responseMimeType = "application/json";
    // responseJsonSchema accepts standard JSON Schema (responseSchema is the OpenAPI subset).
    if (rf.json_schema.schema) g.responseJsonSchema = rf.json_schema.schema;
  }
  if (Object.keys(g).length > 0) out.generationConfig = g;
  return out;
}

function parts(content: string | ContentPart[], param: string): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const out: GeminiPart[] = [];
  for (const p of content) {
    switch (p.type) {
      case "text":
        if (p.text !== "") out.push({ text: p.text });
        break;
      case "refusal":
        if (p.refusal !== "") out.push({ text: p.refusal });
        break;
      case "image_url": {
        const url = p.image_url.url;
        const data = parseDataUrl(url);
        if (data) out.push({ inlineData: { mimeType: data.mediaType, data: data.data } });
        // Gemini fetches only URIs it can read (Files API, gs://, and public http URLs on recent
        // models); the MIME type is a best guess from the extension.
        else if (/^(https?|gs):\/\//i.test(url)) out.push({ fileData: { mimeType: guessImageMime(url), fileUri: url } });
        else throw new InvalidRequestError("image_url must be an http(s) URL or a base64 data: URL.", { param });
        break;
      }
      case "input_audio": {
        const a = p.input_audio;
        out.push({ inlineData: { mimeType: `audio/${a.format}`, data: a.data } });
        break;
      }
      case "file": {
        const file = p.file as { file_data?: unknown };
        const data = typeof file.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
        if (!data) throw new InvalidRequestError("Gemini models accept files only as base64 data: URLs in file.file_data.", { param });
        out.push({ inlineData: { mimeType: data.mediaType, data: data.data } });
        break;
      }
    }
  }
  return out;
}

function guessImageMime(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  return ext === "png" ? "image/png" : ext === "webp" ? "image/webp" : ext === "gif" ? "image/gif" : "image/jpeg";
}

// Thinking Gemini models (2.5+, 3) sign their function calls and reject a conversation that
// sends a call back without its signature. OpenAI clients echo tool call ids verbatim, so the
// signature travels inside the id.
const SIGNATURE_MARK = "__thought__";

export function toolCallId(id: string, thoughtSignature: string | undefined): string {
  return thoughtSignature ? `${id}${SIGNATURE_MARK}${thoughtSignature}` : id;
}

export function thoughtSignatureOf(id: string): string | undefined {
  const at = id.indexOf(SIGNATURE_MARK);
  return at === -1 ? undefined : id.slice(at + SIGNATURE_MARK.length);
}

function parseArgs(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    // Echoed-back invalid arguments must not fail the whole conversation.
    return { raw_arguments: args };
  }
}

/** Gemini's functionResponse.response must be an object: JSON objects as-is, anything else wrapped. */
function responseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* plain text */
  }
  return { content: text };
}

// ---- response ----

export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return "tool_calls";
  switch (reason) {
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter";
    default:
      // STOP, FINISH_REASON_UNSPECIFIED, OTHER, MALFORMED_FUNCTION_CALL…
      return "stop";
  }
}

export function mapGeminiUsage(u: GeminiUsage | undefined): Usage {
  const prompt = u?.promptTokenCount ?? 0;
  const thoughts = u?.thoughtsTokenCount ?? 0;
  // Thinking tokens are billed as output, as OpenAI counts reasoning tokens in completion_tokens.
  const completion = (u?.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

function candidateParts(c: GeminiCandidate): { text: string; calls: ToolCall[] } {
  let text = "";
  const calls: ToolCall[] = [];
  for (const p of c.content?.parts ?? []) {
    if (p.thought) continue; // thought summaries are not part of the answer
    if (typeof p.text === "string") text += p.text;
    if (p.functionCall) {
      calls.push({
        id: toolCallId(p.functionCall.id ?? newToolCallId(), p.thoughtSignature),
        type: "function",
        function: { name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) },
      });
    }
  }
  return { text, calls };
}

export function fromGeminiResponse(res: GeminiResponse, fallbackModel: string): ChatCompletion {
  if (res.candidates !== undefined && !Array.isArray(res.candidates)) {
    throw new BadGatewayError("gemini returned a response with malformed 'candidates'");
  }
  const candidates = res.candidates ?? [];
  const choices: ChatCompletion["choices"] = candidates.map((c, i) => {
    const { text, calls } = candidateParts(c);
    return {
      index: c.index ?? i,
      message: {
        role: "assistant",
        content: text === "" && calls.length > 0 ? null : text,
        refusal: null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      },
      finish_reason: mapFinishReason(c.finishReason, calls.length > 0),
      logprobs: null,
    };
  });
  if (choices.length === 0) {
    // A prompt blocked by safety filters comes back with promptFeedback and no candidates.
    choices.push({ index: 0, message: { role: "assistant", content: null, refusal: null }, finish_reason: "content_filter", logprobs: null });
  }
  return {
    id: newCompletionId(),
    object: "chat.completion",
    created: nowSeconds(),
    model: res.modelVersion ?? fallbackModel,
    choices,
    usage: mapGeminiUsage(res.usageMetadata),
  };
}

/** Gemini stream events (each a partial GenerateContentResponse) → OpenAI chunks. */
/** `scrub` cleans an error event's text of the credentials sent (some servers quote them). */
export async function* translateGeminiStream(
  events: AsyncIterable<SseEvent>,
  fallbackModel: string,
  scrub: (text: string) => string = (t) => t,
): AsyncGenerator<ChatCompletionChunk> {
  const head: ChunkHead = { id: newCompletionId(), created: nowSeconds(), model: fallbackModel };
  const started = new Set<number>();
  const finished = new Set<number>();
  const toolCount = new Map<number, number>();
  let usage: GeminiUsage | undefined;
  let blocked = false;

  for await (const ev of events) {
    let res: GeminiResponse;
    try {
      res = JSON.parse(ev.data) as GeminiResponse;
    } catch {
      throw new BadGatewayError(`gemini sent an unreadable stream event: ${ev.data.slice(0, 200)}`);
    }
    if (res.error !== undefined) throw streamedUpstreamError("gemini", res, undefined, scrub);
    if (res.modelVersion) head.model = res.modelVersion;
    if (res.usageMetadata) usage = res.usageMetadata;
    if (res.promptFeedback?.blockReason && !res.candidates?.length) blocked = true;
    for (const [i, c] of (res.candidates ?? []).entries()) {
      const index = c.index ?? i;
      if (!started.has(index)) {
        started.add(index);
        yield chunk(head, [{ index, delta: { role: "assistant", content: "" }, finish_reason: null }]);
      }
      const { text, calls } = candidateParts(c);
      if (text !== "") yield chunk(head, [{ index, delta: { content: text }, finish_reason: null }]);
      if (calls.length > 0) {
        const base = toolCount.get(index) ?? 0;
        toolCount.set(index, base + calls.length);
        yield chunk(head, [
          {
            index,
            delta: {
              tool_calls: calls.map((tc, k) => ({ index: base + k, id: tc.id, type: "function" as const, function: tc.function })),
            },
            finish_reason: null,
          },
        ]);
      }
      if (c.finishReason && !finished.has(index)) {
        finished.add(index);
        yield chunk(head, [{ index, delta: {}, finish_reason: mapFinishReason(c.finishReason, (toolCount.get(index) ?? 0) > 0) }]);
      }
    }
  }
  if (blocked && finished.size === 0) {
    yield chunk(head, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    yield chunk(head, [{ index: 0, delta: {}, finish_reason: "content_filter" }]);
  } else if (finished.size === 0 || [...started].some((i) => !finished.has(i))) {
    // Gemini has no terminator event: the last event carries finishReason, so its absence means
    // the stream was cut.
    throw unexpectedEnd("gemini", "no finishReason");
  }
  yield usageChunk(head, mapGeminiUsage(usage));
}

// ---- embeddings ----

export function toGeminiEmbedRequest(req: EmbeddingsRequest, upstreamModel: string): { single: boolean; body: Record<string, unknown> } {
  const texts = embeddingTexts(req);
  const model = `models/${stripModelsPrefix(upstreamModel)}`;
  const dims = req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {};
  if (typeof req.input === "string") {
    return { single: true, body: { content: { parts: [{ text: texts[0] }] }, ...dims } };
  }
  return { single: false, body: { requests: texts.map((t) => ({ model, content: { parts: [{ text: t }] }, ...dims })) } };
}

function embeddingTexts(req: EmbeddingsRequest): string[] {
  if (typeof req.input === "string") return [req.input];
  if (req.input.every((x): x is string => typeof x === "string")) return req.input;
  throw new InvalidRequestError("Gemini embeddings need text input; token-id arrays are not supported.", { param: "input" });
}

export function stripModelsPrefix(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

export function fromGeminiEmbeddings(
  res: { embedding?: { values?: number[] }; embeddings?: Array<{ values?: number[] }> },
  req: EmbeddingsRequest,
  upstreamModel: string,
): EmbeddingsResponse {
  const vectors = res.embeddings ? res.embeddings.map((e) => e.values) : [res.embedding?.values];
  if (vectors.some((v) => !Array.isArray(v))) throw new BadGatewayError("gemini returned an embeddings response without values");
  const texts = embeddingTexts(req);
  // Gemini reports no token counts for embeddings; ~4 characters per token keeps cost non-zero.
  const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  return {
    object: "list",
    data: (vectors as number[][]).map((v, index) => ({
      object: "embedding",
      index,
      embedding: req.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v,
    })),
    model: upstreamModel,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
