// Google Gemini API (generativelanguage.googleapis.com) wire format:
// /v1beta/models/{model}:generateContent | streamGenerateContent?alt=sse | embedContent | batchEmbedContents.
import { splitWords } from "./answer";
import { DEFAULT_EMBEDDING_DIMS, embed } from "./embedding";
import type { Answer, ChatView, Reply, StreamEvent, ToolChoice } from "./types";
import { asString, isObj } from "./util";

const STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export function geminiError(code: number, message?: string): Reply {
  const status = STATUSES[code] ?? (code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
  return { status: code, body: { error: { code, message: message ?? `Fake upstream error ${code} (${status}).`, status } } };
}

/** Key via x-goog-api-key or ?key=. Missing → 403 and a bad key → 400, as the real API answers. */
export function geminiAuth(headers: Record<string, string | string[] | undefined>, query: Record<string, string>): Reply | null {
  const header = headers["x-goog-api-key"];
  const key = typeof header === "string" && header !== "" ? header : query.key;
  if (!key)
    return geminiError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  if (key.startsWith("invalid")) return geminiError(400, "API key not valid. Please pass a valid API key.");
  return null;
}

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  const out: string[] = [];
  for (const p of parts) {
    if (!isObj(p)) continue;
    if (typeof p.text === "string") out.push(p.text);
    else if (isObj(p.inlineData) || isObj(p.fileData)) {
      const data = (p.inlineData ?? p.fileData) as Record<string, unknown>;
      out.push(typeof data.mimeType === "string" && data.mimeType.startsWith("image/") ? "[image]" : "[file]");
    } else if (isObj(p.functionResponse)) out.push(functionResponseText(p.functionResponse.response));
  }
  return out.join(" ");
}

/** A response object with a single string field (e.g. {result: "42"}) reads as that string. */
function functionResponseText(response: unknown): string {
  if (isObj(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1 && typeof response[keys[0]] === "string") return response[keys[0]] as string;
  }
  return asString(response);
}

function contentParts(c: unknown): unknown[] {
  return isObj(c) && Array.isArray(c.parts) ? c.parts : [];
}

export function parseGeminiChat(model: string, body: unknown, stream: boolean): ChatView | Reply {
  if (!isObj(body)) return geminiError(400, "Invalid JSON payload received.");
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0)
    return geminiError(400, "* GenerateContentRequest.contents: contents is not specified\n");

  const texts: string[] = [];
  const system = body.systemInstruction !== undefined ? partsText(contentParts(body.systemInstruction)) : "";
  if (body.systemInstruction !== undefined) texts.push(system);
  let lastUserText = "";
  for (const c of contents) {
    if (!isObj(c)) return geminiError(400, "Invalid value at 'contents', expected an object.");
    const parts = contentParts(c);
    texts.push(partsText(parts));
    const role = c.role ?? "user";
    const plain = parts.filter((p) => !(isObj(p) && isObj(p.functionResponse)));
    if (role === "user" && plain.length > 0) lastUserText = partsText(plain);
  }
  const last = contents[contents.length - 1] as Record<string, unknown>;
  const lastRole = last.role ?? "user";
  let toolResult: string | null = null;
  if (lastRole === "user" || lastRole === "function" || lastRole === "tool") {
    for (const p of contentParts(last)) {
      if (isObj(p) && isObj(p.functionResponse)) toolResult = functionResponseText(p.functionResponse.response);
    }
  }

  const tools: string[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools) {
      if (!isObj(t) || !Array.isArray(t.functionDeclarations)) continue;
      for (const f of t.functionDeclarations) if (isObj(f) && typeof f.name === "string") tools.push(f.name);
    }
  }
  let toolChoice: ToolChoice = { type: "auto" };
  const fcc = isObj(body.toolConfig) ? body.toolConfig.functionCallingConfig : undefined;
  if (isObj(fcc)) {
    if (fcc.mode === "NONE") toolChoice = { type: "none" };
    else if (Array.isArray(fcc.allowedFunctionNames) && typeof fcc.allowedFunctionNames[0] === "string")
      toolChoice = { type: "named", name: fcc.allowedFunctionNames[0] };
  }
  const gc = body.generationConfig;
  const jsonMode = isObj(gc) && gc.responseMimeType === "application/json";

  return {
    model,
    system: system !== "" ? system : null,
    texts,
    lastUserText,
    lastIsUser: lastRole === "user" && toolResult === null,
    toolResult,
    tools,
    toolChoice,
    jsonMode,
    stream,
  };
}

function usageMetadata(a: Answer) {
  return {
    promptTokenCount: a.promptTokens,
    candidatesTokenCount: a.completionTokens,
    totalTokenCount: a.promptTokens + a.completionTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: a.promptTokens }],
  };
}

function answerPart(a: Answer): unknown {
  return a.kind === "text" ? { text: a.text } : { functionCall: { name: a.name, args: a.input } };
}

export function geminiResponse(model: string, a: Answer, seq: number): unknown {
  return {
    candidates: [{ content: { parts: [answerPart(a)], role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: usageMetadata(a),
    modelVersion: model,
    responseId: `fake${seq}`,
  };
}

/**
 * One event per word; the last carries finishReason and usageMetadata (Gemini has no separate
 * terminator, so [[no-done]] drops those from the last event). A function call is one event.
 */
export function geminiStreamEvents(model: string, a: Answer, seq: number, noDone: boolean): StreamEvent[] {
  const pieces: unknown[] = a.kind === "text" ? splitWords(a.text).map((text) => ({ text })) : [answerPart(a)];
  return pieces.map((part, i) => {
    const isLast = i === pieces.length - 1 && !noDone;
    const body = {
      candidates: [
        { content: { parts: [part], role: "model" }, ...(isLast ? { finishReason: "STOP" } : {}), index: 0 },
      ],
      ...(isLast ? { usageMetadata: usageMetadata(a) } : {}),
      modelVersion: model,
      responseId: `fake${seq}`,
    };
    return { data: `data: ${JSON.stringify(body)}\n\n`, content: true };
  });
}

function dims(v: unknown): number {
  return typeof v === "number" && v > 0 ? Math.floor(v) : DEFAULT_EMBEDDING_DIMS;
}

export function geminiEmbed(body: unknown): Reply {
  if (!isObj(body) || !isObj(body.content)) return geminiError(400, "* EmbedContentRequest.content: content is not specified\n");
  const text = partsText(contentParts(body.content));
  return { status: 200, body: { embedding: { values: embed(text, dims(body.outputDimensionality)) } } };
}

export function geminiBatchEmbed(body: unknown): Reply {
  if (!isObj(body) || !Array.isArray(body.requests) || body.requests.length === 0)
    return geminiError(400, "* BatchEmbedContentsRequest.requests: requests is not specified\n");
  const embeddings: unknown[] = [];
  for (const r of body.requests) {
    if (!isObj(r) || !isObj(r.content)) return geminiError(400, "* EmbedContentRequest.content: content is not specified\n");
    embeddings.push({ values: embed(partsText(contentParts(r.content)), dims(r.outputDimensionality)) });
  }
  return { status: 200, body: { embeddings } };
}

export function geminiModels(): unknown {
  return {
    models: ["gemini-2.5-flash", "gemini-embedding-001"].map((id) => ({
      name: `models/${id}`,
      displayName: id,
      supportedGenerationMethods: id.includes("embedding") ? ["embedContent"] : ["generateContent", "countTokens"],
    })),
  };
}
