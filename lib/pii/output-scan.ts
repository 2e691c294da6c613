// Output scanning (pii_protection.scan_output): the model's answer goes through the caller's
// effective PII policy before it reaches the client — content and tool-call arguments, plain,
// streamed and cached answers. On output, `tokenize` and `block` redact (outputTextScanner).
//
// Order: the answer is scanned in its placeholder form, BEFORE the request's own placeholders are
// restored, so values the user sent (and the model echoes as <PERSON_1>) are not redacted.
//
// Streams: a value can be split across deltas, so each text (per choice, per tool call) holds back
// a look-behind: text is released only up to a whitespace boundary at least OUTPUT_LOOKBEHIND
// characters before the end of what has arrived, and never inside a detected span. Any entity of
// up to OUTPUT_LOOKBEHIND characters (spaces included: phone and card numbers, IBANs) and any
// entity without whitespace up to OUTPUT_MAX_HOLD characters (emails, keys, JWTs) is therefore
// seen whole before any of it goes out. A run without whitespace longer than OUTPUT_MAX_HOLD is
// released in pieces (the buffer stays bounded). The rest is released before the choice's finish.
import "server-only";
import { transformChunks } from "./stream-transform";
import type { ChatCompletion, ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import type { ChunkStream } from "@/lib/providers/types";
import type { AnonymizedItem } from "./anonymizer";
import type { PiiFinding, TextScanner } from "./scanner";
import type { RecognizerResult } from "./types";

export const OUTPUT_LOOKBEHIND = 64;
export const OUTPUT_MAX_HOLD = 1024;
export const OUTPUT_LOCATION = "response";

/** One answer's scan: applies the output policy and records findings (location "response"). */
export class OutputScan {
  /** Entity types found in the answer so far. */
  readonly types = new Set<string>();

  /** `findings` is the request's list (ctx.pii.findings): output groups are added to it. */
  constructor(
    readonly scanner: TextScanner,
    private readonly findings: PiiFinding[],
  ) {}

  text(text: string): string {
    const results = this.scanner.analyze(text);
    return results.length === 0 ? text : this.applied(text, results);
  }

  applied(text: string, results: readonly RecognizerResult[]): string {
    if (results.length === 0) return text;
    const out = this.scanner.apply(text, results);
    this.record(out.items);
    return out.text;
  }

  private record(items: readonly AnonymizedItem[]): void {
    for (const item of items) {
      this.types.add(item.entityType);
      const g = this.findings.find((f) => f.location === OUTPUT_LOCATION && f.entityType === item.entityType);
      if (g) {
        g.count++;
        if (item.score > g.score) {
          g.score = item.score;
          g.recognizer = item.recognizer;
        }
      } else {
        this.findings.push({ location: OUTPUT_LOCATION, entityType: item.entityType, count: 1, action: item.action, recognizer: item.recognizer, score: item.score });
      }
    }
  }
}

/** A copy of the completion with content and tool-call arguments scanned. */
export function scanCompletion(completion: ChatCompletion, scan: OutputScan): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((c) => ({
      ...c,
      message: {
        ...c.message,
        content: typeof c.message.content === "string" ? scan.text(c.message.content) : c.message.content,
        ...(c.message.tool_calls
          ? { tool_calls: c.message.tool_calls.map((t) => ({ ...t, function: { ...t.function, arguments: scan.text(t.function.arguments) } })) }
          : {}),
      },
    })),
  };
}

export interface StreamScanner {
  /** Adds a delta; returns the scanned text that may go out now (possibly ""). */
  push(delta: string): string;
  /** Scans and returns everything held back. */
  flush(): string;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160;

/** The scanner of one streamed text (see the header comment for the buffer rule). */
export function createStreamScanner(scan: OutputScan, opts: { lookbehind?: number; maxHold?: number } = {}): StreamScanner {
  const lookbehind = opts.lookbehind ?? OUTPUT_LOOKBEHIND;
  const maxHold = Math.max(opts.maxHold ?? OUTPUT_MAX_HOLD, lookbehind + 1);
  let buf = "";
  return {
    push(delta) {
      buf += delta;
      if (buf.length <= lookbehind) return "";
      const limit = buf.length - lookbehind;
      let cut = 0;
      for (let i = limit - 1; i >= 0; i--) {
        if (isSpace(buf.charCodeAt(i))) {
          cut = i + 1;
          break;
        }
      }
      const forced = cut === 0;
      if (forced) {
        if (buf.length <= maxHold) return "";
        cut = limit;
        const hi = buf.charCodeAt(cut - 1);
        if (hi >= 0xd800 && hi <= 0xdbff) cut--;
      }
      const results = scan.scanner.analyze(buf);
      // Never cut inside a detected span: move the cut to its start (spans may chain).
      for (let moved = true; moved; ) {
        moved = false;
        for (const r of results) {
          if (r.start < cut && r.end > cut) {
            cut = r.start;
            moved = true;
          }
        }
      }
      if (cut === 0) {
        if (!forced) return "";
        // A span from the very start running past the cut of an over-full buffer: it is complete
        // (it ends before the buffer does), so it goes out whole.
        cut = Math.max(...results.filter((r) => r.start === 0).map((r) => r.end), 0);
        if (cut === 0) return "";
      }
      const head = buf.slice(0, cut);
      buf = buf.slice(cut);
      return scan.applied(
        head,
        results.filter((r) => r.end <= cut),
      );
    },
    flush() {
      const rest = buf;
      buf = "";
      return rest === "" ? "" : scan.text(rest);
    },
  };
}

/**
 * The stream with every choice's content and tool-call arguments scanned. `onOriginal` sees each
 * chunk as the upstream sent it (the cache keeps the unscanned answer).
 */
export function scanStream(stream: ChunkStream, scan: OutputScan, onOriginal?: (chunk: ChatCompletionChunk) => void): ChunkStream {
  return transformChunks(stream, { content: () => createStreamScanner(scan), args: () => createStreamScanner(scan) }, onOriginal);
}
