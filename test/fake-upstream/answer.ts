// The deterministic answer to a chat request, shared by all three wire formats so tests can
// assert exact text and token counts whichever provider the gateway picked.
import type { Answer, ChatView } from "./types";
import type { Directives } from "./directives";

export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Prompt tokens: words over all message texts plus one per message. */
export function promptTokens(texts: string[]): number {
  let n = 0;
  for (const t of texts) n += countWords(t) + 1;
  return n;
}

export function wordsText(n: number): string {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = `w${i + 1}`;
  return out.join(" ");
}

export function buildAnswer(view: ChatView, d: Directives, seq: number, toolIdPrefix: string): Answer {
  const prompt = promptTokens(view.texts);
  const prefix = view.system ? `[system: ${view.system.slice(0, 20)}] ` : "";

  if (view.tools.length > 0 && view.lastIsUser && view.toolChoice.type !== "none") {
    const name = view.toolChoice.type === "named" ? view.toolChoice.name : view.tools[0];
    const input = { query: d.answer ?? d.cleanText };
    const args = JSON.stringify(input);
    return {
      kind: "tool",
      id: `${toolIdPrefix}${seq}`,
      name,
      input,
      args,
      promptTokens: prompt,
      completionTokens: Math.max(1, countWords(args)),
    };
  }

  let text: string;
  if (view.toolResult !== null) text = `${prefix}Tool result: ${view.toolResult}`;
  else if (d.answer !== undefined) text = d.answer;
  else {
    const base = d.words ? wordsText(d.words) : d.cleanText;
    // [[words:N]] is exactly N words (no prefix) so length tests can count on it.
    if (view.jsonMode) text = JSON.stringify({ echo: base });
    else if (d.words) text = base;
    else text = `${prefix}Echo: ${base}`;
  }
  return { kind: "text", text, promptTokens: prompt, completionTokens: Math.max(1, countWords(text)) };
}

/** Word chunks that keep their leading whitespace, so joining them gives the text back. */
export function splitWords(text: string): string[] {
  const parts = text.match(/\s*\S+/g);
  if (!parts) return [text];
  const joinedLength = parts.reduce((n, p) => n + p.length, 0);
  if (joinedLength < text.length) parts[parts.length - 1] += text.slice(joinedLength);
  return parts;
}

/** Tool arguments stream in at least two pieces (args are never shorter than `{"query":""}`). */
export function splitArgs(args: string): string[] {
  const size = args.length <= 24 ? Math.ceil(args.length / 2) : 12;
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out;
}
