// Embeddings from any OpenAI-compatible /v1/embeddings upstream (OpenAI, Azure-style, Ollama,
// vLLM, TEI…). Goes through the provider layer so timeouts, the keep-alive pool and error mapping
// are the same as for chat calls.
import "server-only";
import type { EmbeddingsResponse } from "@/lib/gateway/openai-contract";
import { getProvider } from "@/lib/providers/registry";
import type { ProviderTarget, Timeouts } from "@/lib/providers/types";
import { EmbedderUnavailableError } from "./errors";
import { truncateToTokens } from "./truncate";
import type { Embedder, EmbedResult } from "./types";

export interface OpenAICompatibleEmbedderOptions {
  /** Base URL including /v1, as in the OpenAI SDK (e.g. http://localhost:11434/v1). */
  apiBase: string;
  apiKey?: string;
  /** The upstream model name, e.g. "text-embedding-3-small". */
  model: string;
  /** Ask the upstream for this width (text-embedding-3 supports it); otherwise learned from the first answer. */
  dimensions?: number;
  /** Default 8191 (OpenAI's embedding window). */
  maxInputTokens?: number;
  headers?: Record<string, string>;
  timeouts?: Partial<Timeouts>;
  /** Inputs per upstream request (OpenAI accepts up to 2048). */
  maxBatch?: number;
  /** Index namespace; defaults to openai-compatible:<model>[:<dimensions>]. */
  id?: string;
}

const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, firstByteMs: 30_000, idleMs: 30_000 };

export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly maxInputTokens: number;
  private dims: number;
  private readonly target: ProviderTarget;
  private readonly timeouts: Timeouts;
  private readonly maxBatch: number;
  private readonly requestedDimensions: number | undefined;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(opts: OpenAICompatibleEmbedderOptions) {
    this.requestedDimensions = opts.dimensions;
    this.id = opts.id ?? `openai-compatible:${opts.model}${opts.dimensions ? `:${opts.dimensions}` : ""}`;
    this.dims = opts.dimensions ?? 0;
    this.maxInputTokens = opts.maxInputTokens ?? 8191;
    this.maxBatch = opts.maxBatch ?? 256;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.target = { provider: "openai-compatible", upstreamModel: opts.model, apiBase: opts.apiBase, apiKey: opts.apiKey, headers: opts.headers };
  }

  /** 0 until the first answer when no width was configured. */
  get dimensions(): number {
    return this.dims;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts)).vectors;
  }

  async embedDetailed(texts: string[]): Promise<EmbedResult> {
    if (this.closed) throw new EmbedderUnavailableError(`The embedder ${this.id} is closed.`);
    const cut = texts.map((t) => truncateToTokens(t, this.maxInputTokens));
    const vectors: Float32Array[] = [];
    for (let i = 0; i < cut.length; i += this.maxBatch) {
      vectors.push(...(await this.request(cut.slice(i, i + this.maxBatch).map((c) => c.text))));
    }
    return { vectors, truncated: cut.map((c) => c.truncated) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.inFlight) c.abort(new EmbedderUnavailableError(`The embedder ${this.id} was closed.`));
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    const ctrl = new AbortController();
    this.inFlight.add(ctrl);
    let res: EmbeddingsResponse;
    try {
      res = await getProvider("openai-compatible").embeddings(
        {
          model: this.target.upstreamModel,
          input,
          // base64 is a quarter of the bytes of JSON floats; servers that ignore it send floats, handled below.
          encoding_format: "base64",
          ...(this.requestedDimensions ? { dimensions: this.requestedDimensions } : {}),
        },
        this.target,
        { signal: ctrl.signal, timeouts: this.timeouts },
      );
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new EmbedderUnavailableError(`Embedding upstream ${this.target.apiBase} (${this.target.upstreamModel}) failed: ${msg}`, { cause: err });
    } finally {
      this.inFlight.delete(ctrl);
    }
    return this.decode(res, input.length);
  }

  private decode(res: EmbeddingsResponse, expected: number): Float32Array[] {
    if (res.data.length !== expected) {
      throw new EmbedderUnavailableError(`Embedding upstream returned ${res.data.length} vectors for ${expected} inputs.`);
    }
    const out = new Array<Float32Array>(expected);
    for (const [pos, item] of res.data.entries()) {
      const index = typeof item.index === "number" ? item.index : pos;
      const v = typeof item.embedding === "string" ? fromBase64(item.embedding) : Float32Array.from(item.embedding);
      if (this.dims === 0) this.dims = v.length;
      if (v.length !== this.dims) {
        throw new EmbedderUnavailableError(`Embedding upstream returned ${v.length} dimensions; ${this.id} uses ${this.dims}.`);
      }
      out[index] = normalize(v);
    }
    if (out.some((v) => v === undefined)) throw new EmbedderUnavailableError("Embedding upstream returned duplicate or out-of-range indexes.");
    return out;
  }
}

function fromBase64(b64: string): Float32Array {
  const buf = Buffer.from(b64, "base64");
  // Copy into an aligned buffer: Buffer's pooled memory may start at an odd offset.
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Unit length, so cosine is a dot product even for servers that do not normalise (Ollama, TEI). */
function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0 && Math.abs(norm - 1) > 1e-6) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
