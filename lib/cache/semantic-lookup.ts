import "server-only";
import type { AnswerStore } from "./answer-store";
import type { CachedAnswer } from "./cached-answer";
import { guardVeto } from "./semantic-guard";
import type { VectorStore } from "./vector-stores/types";

/** Neighbours looked at per lookup: the best one may be vetoed or expired while the next is fine. */
const CANDIDATES = 3;

export interface SemanticQuery {
  scope: string;
  text: string;
  embedder: string;
  dimensions: number;
  vector: Float32Array;
}

/**
 * The closest cached answer in the same scope whose similarity reaches `threshold` and that the
 * guard does not veto (different numbers, negation or names mean a different question).
 */
export async function findSemanticAnswer(
  vectors: VectorStore,
  answers: AnswerStore,
  q: SemanticQuery,
  threshold: number,
  guard: boolean,
  tenant: string,
): Promise<{ answer: CachedAnswer; similarity: number } | undefined> {
  await vectors.ensureIndex(q.embedder, q.dimensions);
  const matches = await vectors.search(q.embedder, q.scope, q.vector, CANDIDATES);
  for (const m of matches) {
    if (m.similarity < threshold) break; // best first
    const answer = await answers.get(m.id);
    if (!answer) continue; // the answer expired or was invalidated before its vector
    // Scopes already include the tenant; checking it again costs nothing and fails closed.
    if (answer.tenant !== tenant) continue;
    // Without the cached prompt the guard cannot judge: no hit rather than an unguarded one.
    if (guard && (answer.semanticText === undefined || guardVeto(answer.semanticText, q.text).veto)) continue;
    return { answer, similarity: m.similarity };
  }
  return undefined;
}

/** After an upstream miss: index the prompt so paraphrases can find the stored answer. */
export async function indexSemanticAnswer(vectors: VectorStore, q: SemanticQuery, id: string, expiresAt: number, model: string): Promise<void> {
  await vectors.ensureIndex(q.embedder, q.dimensions);
  await vectors.upsert(q.embedder, { id, scope: q.scope, vector: q.vector, expiresAt, model });
}
