/**
 * Answering a knowledge gap: `POST /v1/knowledge-gaps/{id}/answer` `{answer}` turns the answer into
 * a correction for the gap's question and closes the gap (CONTRACT.md).
 */
import { post, segment } from './api.ts';
import type { AnswerGapRequest, AnsweredGap } from './types.ts';

export function answerKnowledgeGap(gapId: string, answer: string): Promise<AnsweredGap> {
  const body: AnswerGapRequest = { answer };
  return post<AnsweredGap>(`/v1/knowledge-gaps/${segment(gapId)}/answer`, body);
}
