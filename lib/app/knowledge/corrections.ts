/**
 * Corrections as knowledge: each is embedded when it is made (with an embedding model configured)
 * and matched to a question lexically and by meaning (lib/domain/knowledge/corrections.ts, called
 * by groundReply).
 *
 * A correction stored without a vector of the current model (made before corrections were
 * embedded, while the embedder was failing, or under another model) is embedded the first time a
 * question meets it, and the vector is written back with a write conditional on the correction
 * still holding that question. A crash between the two only means it is embedded again next time,
 * and writing the same vector twice is harmless: no backfill job is needed, and none can half-run.
 */
import type { Correction, CorrectionEmbedding } from '#lib/domain/knowledge/types';
import { encodeVector } from '#lib/domain/knowledge/vectors';
import { MAX_CORRECTIONS_EMBEDDED_PER_REPLY } from '#lib/domain/limits/knowledge';
import type { Ai } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

export type CorrectionDeps = Pick<Deps, 'knowledge' | 'embedder' | 'logger'>;

/** The embedding of a new correction's question, or undefined (no embedder, or it failed: embedded on first use). */
export async function embedCorrection(
  deps: Pick<Deps, 'embedder' | 'logger'>,
  question: string,
): Promise<CorrectionEmbedding | undefined> {
  if (!deps.embedder) return undefined;
  try {
    const [vector] = await deps.embedder.embed([question]);
    return vector ? { model: deps.embedder.model, vector: encodeVector(vector) } : undefined;
  } catch (error) {
    deps.logger.warn('correction embedding failed; it is embedded on first use', { error: String(error) });
    return undefined;
  }
}

/**
 * The AI's corrections, ready to match against a question: with an embedder, each with a vector
 * of its model (`questionVector` gives the question's, undefined when embedding failed: then
 * they are matched lexically and none is embedded).
 */
export async function correctionsToMatch(
  deps: CorrectionDeps,
  ai: Pick<Ai, 'tenantId' | 'id'>,
  questionVector: () => Promise<Float32Array | undefined>,
): Promise<Correction[]> {
  const stored = await deps.knowledge.listCorrections(ai.tenantId, ai.id);
  if (!deps.embedder || stored.length === 0 || !(await questionVector())) return stored;
  return withEmbeddings(deps, stored, deps.embedder.model);
}

/**
 * The corrections, those without a vector of `model` embedded now (at most
 * MAX_CORRECTIONS_EMBEDDED_PER_REPLY, oldest first; the rest on later replies) and written back.
 * On a failure the corrections are used as they are: lexically.
 */
async function withEmbeddings(deps: CorrectionDeps, corrections: Correction[], model: string): Promise<Correction[]> {
  const missing = corrections.filter((c) => c.embedding?.model !== model).slice(0, MAX_CORRECTIONS_EMBEDDED_PER_REPLY);
  if (missing.length === 0 || !deps.embedder) return corrections;
  let vectors: Float32Array[];
  try {
    vectors = await deps.embedder.embed(missing.map((c) => c.question));
  } catch (error) {
    deps.logger.warn('correction embedding failed; matching them lexically', { error: String(error) });
    return corrections;
  }
  const embedded = new Map<Correction, Correction>();
  missing.forEach((correction, i) => {
    const vector = vectors[i];
    if (vector) embedded.set(correction, { ...correction, embedding: { model, vector: encodeVector(vector) } });
  });
  try {
    await Promise.all(
      [...embedded.values()].map((c) => deps.knowledge.setCorrectionEmbedding(c, c.embedding as CorrectionEmbedding)),
    );
  } catch (error) {
    // The vectors are still good for this reply; the write is tried again on the next.
    deps.logger.warn('storing correction embeddings failed', { error: String(error) });
  }
  return corrections.map((c) => embedded.get(c) ?? c);
}
