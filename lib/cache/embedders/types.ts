// What the semantic cache sees of an embedding model (house rule 7: interface before backends).

export interface Embedder {
  /** The index namespace, e.g. "all-MiniLM-L6-v2", "use-lite", "openai:text-embedding-3-small". */
  readonly id: string;
  readonly dimensions: number;
  /** The model's window; longer texts are truncated before embedding. */
  readonly maxInputTokens: number;
  /** L2-normalised vectors (cosine = dot product), one per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * The same vectors plus which texts were cut to the window. Optional so that test fakes
   * need only `embed`; every embedder in this folder implements it.
   */
  embedDetailed?(texts: string[]): Promise<EmbedResult>;
  close(): Promise<void>;
}

export interface EmbedResult {
  vectors: Float32Array[];
  /** truncated[i]: texts[i] was longer than maxInputTokens and only its start was embedded. */
  truncated: boolean[];
}

/** For /health/readiness and the dashboard. */
export interface EmbedderStatus {
  /** The model the config asks for. */
  configured: string;
  /** The model actually serving (differs from configured when falling back). */
  active: string;
  /** 0 until the model has loaded (or an API embedder has answered once). */
  dimensions: number;
  fallback: boolean;
  /** Why the configured model is not active, or why nothing is. */
  reason?: string;
  ready: boolean;
}
