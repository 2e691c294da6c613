// Fault directives embedded in the last user message, e.g. "hi [[status:429 retry-after=1]]".
// They live in the prompt so a test can drive faults through the gateway from another process.

export interface StatusDirective {
  status: number;
  retryAfter?: string;
}

export interface Directives {
  status?: StatusDirective;
  failFirst?: StatusDirective & { n: number; key: string };
  delayMs?: number;
  chunkDelayMs?: number;
  words?: number;
  killAfter?: number;
  stallAfter?: number;
  noDone: boolean;
  /**
   * [[answer-b64:<base64>]]: the answer's text (or tool-call query) is exactly this, decoded —
   * base64 so that a value the gateway would scan out of the prompt reaches the answer.
   */
  answer?: string;
  /** The user text with directives removed, trimmed. */
  cleanText: string;
}

// Leading whitespace goes with the directive so "a [[delay:1]] b" cleans to "a b".
const DIRECTIVE = /\s*\[\[\s*([a-z0-9-]+)\s*(?::([^\]]*))?\]\]/gi;

export function parseDirectives(text: string): Directives {
  // Fast path: benchmarks send plain prompts.
  if (!text.includes("[[")) return { noDone: false, cleanText: text.trim() };

  const d: Directives = { noDone: false, cleanText: "" };
  const found: Array<{ raw: string; name: string; arg: string }> = [];
  const cleanText = text.replace(DIRECTIVE, (raw: string, name: string, arg: string | undefined) => {
    found.push({ raw, name: name.toLowerCase(), arg: (arg ?? "").trim() });
    return "";
  });
  d.cleanText = cleanText.trim();

  for (const { raw, name, arg } of found) {
    const [first = "", ...rest] = arg.split(/\s+/);
    const n = Number(first);
    const opts = keyValues(rest);
    switch (name) {
      case "status":
        if (Number.isInteger(n)) d.status = { status: n, retryAfter: opts["retry-after"] };
        break;
      case "fail-first":
        if (Number.isInteger(n)) {
          d.failFirst = {
            n,
            status: Number(opts.status ?? 500),
            retryAfter: opts["retry-after"],
            // Counted per directive + message so unrelated tests never share a counter.
            key: `${raw}\u0000${d.cleanText}`,
          };
        }
        break;
      case "delay":
        if (n >= 0) d.delayMs = n;
        break;
      case "chunk-delay":
        if (n >= 0) d.chunkDelayMs = n;
        break;
      case "words":
        if (n >= 1) d.words = Math.floor(n);
        break;
      case "kill-after":
        if (n >= 0) d.killAfter = Math.floor(n);
        break;
      case "stall-after":
        if (n >= 0) d.stallAfter = Math.floor(n);
        break;
      case "answer-b64":
        if (first) d.answer = Buffer.from(first, "base64").toString("utf8");
        break;
      case "no-done":
        d.noDone = true;
        break;
      default:
        break; // unknown directives are removed but ignored
    }
  }
  return d;
}

function keyValues(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq > 0) out[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
  }
  return out;
}
