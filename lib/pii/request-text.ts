// Every place where text of a request reaches a provider, as slots that can be read and rewritten:
// all message roles, string and multi-part content, participant names, assistant tool-call
// arguments, tool results, and embeddings input. The PII stage scans each slot and writes the
// transformed text back into a copy of the request, so nothing else needs to know the shapes.
import type { ChatCompletionRequest, EmbeddingsRequest } from "@/lib/gateway/openai-contract";

export interface TextSlot {
  /** Coarse place for incidents ("messages", "tool_calls", "tool_results", "embeddings"). */
  location: string;
  /** Exact place, OpenAI param style (messages[2].content[0].text), for debugging. */
  path: string;
  text: string;
  set(text: string): void;
}

/**
 * The request's text slots over a deep copy; `request` is that copy, rewritten through set().
 * The caller's object is never modified.
 */
export function chatTextSlots(original: ChatCompletionRequest): { request: ChatCompletionRequest; slots: TextSlot[] } {
  const request = structuredClone(original);
  const slots: TextSlot[] = [];
  request.messages.forEach((m, i) => {
    const base = `messages[${i}]`;
    const location = m.role === "tool" || m.role === "function" ? "tool_results" : "messages";
    const msg = m as Record<string, unknown>;
    if (typeof msg.name === "string" && msg.name !== "") {
      slots.push({ location, path: `${base}.name`, text: msg.name, set: (t) => (msg.name = t) });
    }
    const content = msg.content;
    if (typeof content === "string") {
      slots.push({ location, path: `${base}.content`, text: content, set: (t) => (msg.content = t) });
    } else if (Array.isArray(content)) {
      content.forEach((part: Record<string, unknown>, j) => {
        if (part.type === "text" && typeof part.text === "string") {
          slots.push({ location, path: `${base}.content[${j}].text`, text: part.text, set: (t) => (part.text = t) });
        } else if (part.type === "refusal" && typeof part.refusal === "string") {
          slots.push({ location, path: `${base}.content[${j}].refusal`, text: part.refusal, set: (t) => (part.refusal = t) });
        }
      });
    }
    if (m.role === "assistant") {
      // Legacy function calling: the arguments are free text too.
      const legacy = msg.function_call as { arguments?: unknown } | undefined;
      if (legacy && typeof legacy.arguments === "string") {
        slots.push({ location: "tool_calls", path: `${base}.function_call.arguments`, text: legacy.arguments, set: (t) => (legacy.arguments = t) });
      }
      (m.tool_calls ?? []).forEach((call, j) => {
        const fn = call.function;
        slots.push({ location: "tool_calls", path: `${base}.tool_calls[${j}].function.arguments`, text: fn.arguments, set: (t) => (fn.arguments = t) });
      });
      if (typeof m.refusal === "string" && m.refusal !== "") {
        slots.push({ location, path: `${base}.refusal`, text: m.refusal, set: (t) => (m.refusal = t) });
      }
    }
  });
  // Beyond the messages, fields the provider receives as text: Predicted Outputs' expected
  // content, metadata values, and the end-user id (often an email address).
  const top = request as Record<string, unknown>;
  const prediction = top.prediction as { content?: unknown } | undefined;
  if (prediction && typeof prediction.content === "string") {
    slots.push({ location: "messages", path: "prediction.content", text: prediction.content, set: (t) => (prediction.content = t) });
  } else if (prediction && Array.isArray(prediction.content)) {
    (prediction.content as Array<Record<string, unknown>>).forEach((part, j) => {
      if (typeof part.text === "string") slots.push({ location: "messages", path: `prediction.content[${j}].text`, text: part.text, set: (t) => (part.text = t) });
    });
  }
  const metadata = top.metadata;
  if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) {
    for (const [k, v] of Object.entries(metadata as Record<string, unknown>)) {
      if (typeof v === "string") slots.push({ location: "metadata", path: `metadata.${k}`, text: v, set: (t) => ((metadata as Record<string, unknown>)[k] = t) });
    }
  }
  if (typeof request.user === "string" && request.user !== "") {
    slots.push({ location: "user", path: "user", text: request.user, set: (t) => (request.user = t) });
  }
  return { request, slots };
}

/**
 * Embeddings input as slots. Token-id input cannot be scanned: `unscannable` says so, and the
 * stage decides (fail closed in strict mode).
 */
export function embeddingsTextSlots(original: EmbeddingsRequest): { request: EmbeddingsRequest; slots: TextSlot[]; unscannable: boolean } {
  const request = structuredClone(original);
  const input = request.input;
  if (typeof input === "string") {
    return { request, unscannable: false, slots: [{ location: "embeddings", path: "input", text: input, set: (t) => (request.input = t) }] };
  }
  if (input.every((x): x is string => typeof x === "string")) {
    const list = input as string[];
    return {
      request,
      unscannable: false,
      slots: list.map((text, i) => ({ location: "embeddings", path: `input[${i}]`, text, set: (t: string) => (list[i] = t) })),
    };
  }
  return { request, slots: [], unscannable: true };
}
