import "server-only";
import { errorSseEvent, toHelixError } from "@/lib/errors";
import type { ChatCompletionChunk } from "./openai-contract";
import type { ChunkStream } from "@/lib/providers/types";
import type { GatewayContext } from "./context";

const encoder = new TextEncoder();
/** Beyond this the count of a usage-less stream is a lower bound (and a 16 MB string is enough). */
const MAX_PRODUCED_CHARS = 16 * 1024 * 1024;

export interface StreamOutcome {
  error?: unknown;
  clientDisconnected?: boolean;
  /** Every chunk the upstream sent, when asked for (to cache the completed answer). */
  chunks?: ChatCompletionChunk[];
  /** What the stream delivered (content and tool-call arguments): billed by count when no usage came. */
  producedText: string;
}

/**
 * Turns upstream chunks into the client's SSE body. Usage is always captured for accounting, but
 * the usage-only chunk is forwarded only when the client asked for it (stream_options.include_usage).
 * An error after the first byte becomes a final SSE error event; a client that goes away aborts
 * the upstream call. `onEnd` runs exactly once, after the last byte or the disconnect.
 */
export function sseBody(
  ctx: GatewayContext,
  stream: ChunkStream,
  includeUsage: boolean,
  onEnd: (outcome: StreamOutcome) => void,
  opts: { collect?: boolean; keepText?: boolean } = {},
): ReadableStream<Uint8Array> {
  const it = stream[Symbol.asyncIterator]();
  const collected: ChatCompletionChunk[] | undefined = opts.collect ? [] : undefined;
  // The caller decides: text restored from PII placeholders must not be kept for the logs.
  const keepText = opts.keepText ?? ctx.config.helix_settings.general.store_prompts;
  let text = "";
  // Kept for every stream: if it ends without the upstream's usage (aborted, killed, or a server
  // that ignores include_usage), the tokens produced are counted from it.
  let produced = "";
  let ended = false;
  const end = (outcome: Omit<StreamOutcome, "producedText">) => {
    if (ended) return;
    ended = true;
    ctx.abort.signal.removeEventListener("abort", onClientGone);
    if (keepText) ctx.responseBody = { content: text };
    onEnd({ ...outcome, producedText: produced });
  };
  // The client may go away without the body ever being cancelled (Next skips piping a body to a
  // response that is already closed): the abort signal alone must end the stream and its upstream.
  const onClientGone = () => {
    end({ clientDisconnected: true });
    void it.return?.()?.catch(() => {});
  };
  if (ctx.abort.signal.aborted) onClientGone();
  else ctx.abort.signal.addEventListener("abort", onClientGone, { once: true });

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Loop until one event is enqueued: a pull that enqueues nothing is not called again.
        for (;;) {
          const { done, value } = await it.next();
          if (done) {
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
            end(collected ? { chunks: collected } : {});
            return;
          }
          const chunk: ChatCompletionChunk = value;
          if (chunk.usage) ctx.usage = chunk.usage;
          collected?.push(chunk);
          if (produced.length < MAX_PRODUCED_CHARS) {
            for (const c of chunk.choices) {
              produced += c.delta.content ?? "";
              for (const call of c.delta.tool_calls ?? []) produced += (call.function?.name ?? "") + (call.function?.arguments ?? "");
            }
          }
          if (keepText) for (const c of chunk.choices) text += c.delta.content ?? "";
          let out = chunk;
          if (!includeUsage) {
            if (chunk.choices.length === 0) continue; // the usage-only chunk the client did not ask for
            if (chunk.usage) out = { ...chunk, usage: undefined }; // a copy: `collected` keeps the original
          }
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(out)}\n\n`));
          return;
        }
      } catch (err) {
        if (ended || ctx.abort.signal.aborted) {
          // The upstream failed because the client left: a disconnect, not an error to report.
          onClientGone();
          try {
            controller.close();
          } catch {
            /* already cancelled */
          }
          return;
        }
        const e = toHelixError(err);
        controller.enqueue(encoder.encode(errorSseEvent(e)));
        controller.close();
        end({ error: e });
      }
    },
    async cancel() {
      ctx.abort.abort(new DOMException("client disconnected", "AbortError"));
      onClientGone();
    },
  });
}
