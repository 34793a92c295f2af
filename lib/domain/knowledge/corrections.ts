/**
 * Which of an AI's corrections apply to a question. A correction is a person's word on what the
 * answer should have been, so it must match closely: most of the corrected question's terms, and
 * much of the new question's, must be shared ("ship to Canada?" must not answer "ship to Mexico?").
 */
import { tokenize } from '#lib/domain/knowledge/tokenize';
import type { Correction } from '#lib/domain/knowledge/types';

/** Share of the corrected question's distinct terms the new question must contain. */
export const CORRECTION_COVERAGE = 0.75;
/** Share of the new question's distinct terms the corrected question must contain. */
export const QUESTION_COVERAGE = 0.5;

/** The corrections that answer `question`, closest first, at most `limit`; newer first among equals. */
export function matchCorrections(question: string, corrections: readonly Correction[], limit: number): Correction[] {
  const asked = new Set(tokenize(question));
  if (asked.size === 0) return [];
  const scored = corrections.flatMap((correction) => {
    const terms = new Set(tokenize(correction.question));
    if (terms.size === 0) return [];
    let shared = 0;
    for (const term of terms) if (asked.has(term)) shared++;
    const coverage = shared / terms.size;
    const questionCoverage = shared / asked.size;
    if (coverage < CORRECTION_COVERAGE || questionCoverage < QUESTION_COVERAGE) return [];
    return [{ correction, score: coverage + questionCoverage }];
  });
  return scored
    .sort((a, b) => b.score - a.score || b.correction.createdAt.localeCompare(a.correction.createdAt))
    .slice(0, limit)
    .map((s) => s.correction);
}
