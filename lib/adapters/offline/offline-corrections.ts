/**
 * Whether the offline model uses a correction it was handed. A real model reads the corrected
 * question and decides whether it is the prospect's; the offline model cannot, so it answers with
 * a correction only when the questions are lexically much closer than retrieval asks of a
 * candidate. The threshold is tuned on the tuning half of the labelled set in
 * test/fixtures/corrections-set (and held on the other half by test/unit/correction-reach.test.ts).
 */
import { closenessOf } from '#lib/domain/knowledge/corrections';
import type { KnowledgeContext } from '#lib/domain/reply';

/**
 * Lexical closeness (0 … 1) a handed-over correction needs for the offline model to answer with it:
 * the middle of the gap, on the tuning half, between the closest near-miss (0.28) and the least
 * close rewording over it (0.36).
 */
export const OFFLINE_CORRECTION_CLOSENESS = 0.32;

type HandedCorrection = KnowledgeContext['corrections'][number];

/**
 * The closest of the handed-over corrections that answers `question`, or undefined. A correction
 * handed over without its closeness (one built by hand rather than by retrieval) is scored here,
 * its term weights taken from what was handed over.
 */
export function applicableCorrection(knowledge: KnowledgeContext, question: string): HandedCorrection | undefined {
  let best: { correction: HandedCorrection; closeness: number } | undefined;
  for (const correction of knowledge.corrections) {
    const closeness =
      correction.closeness ??
      closenessOf(question, correction, {
        corrections: knowledge.corrections,
        knowledge: knowledge.passages.map((p) => p.text),
      });
    if (closeness >= OFFLINE_CORRECTION_CLOSENESS && closeness > (best?.closeness ?? -1))
      best = { correction, closeness };
  }
  return best?.correction;
}
