// The PII engine's vocabulary, in the manner of Microsoft Presidio's analyzer: recognizers find
// candidate spans with a score, context words near a span raise it, a threshold and overlap
// resolution pick the final set. Pure TypeScript, no I/O: usable in workers and benchmarks.

/** One detected span. Never logged or stored with its text: only type, position and score. */
export interface RecognizerResult {
  entityType: string;
  /** UTF-16 offsets into the analysed text, end exclusive. */
  start: number;
  end: number;
  /** 0..1. */
  score: number;
  /** Name of the recognizer that produced it (audit trail). */
  recognizer: string;
  /** Set by the engine when context words raised the score. */
  contextBoosted?: boolean;
}

export interface AnalyzeRequest {
  text: string;
  /** Entity types to detect; every recognizer skips the others. */
  entities: ReadonlySet<string>;
}

export interface Recognizer {
  readonly name: string;
  readonly supportedEntities: readonly string[];
  /**
   * Words that, near a span, make it more likely to be real (e.g. "card", "ssn"). The engine
   * applies them (see engine.ts); recognizers only list them.
   */
  readonly context?: readonly string[];
  analyze(req: AnalyzeRequest): RecognizerResult[];
}

export interface AnalyzerOptions {
  entities: readonly string[];
  /** Results below this score are dropped (Presidio's default is 0; its evaluations use 0.4). */
  scoreThreshold?: number;
  /** Exact strings never reported (case-insensitive), e.g. a company's own support address. */
  allowList?: readonly string[];
}
