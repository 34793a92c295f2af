/**
 * Answering a knowledge gap: `POST /v1/knowledge-gaps/{id}/answer` `{answer}` turns the answer into
 * a correction for the gap's question and closes the gap (CONTRACT.md). The endpoint is being
 * added alongside this page; until docs/openapi.json describes it, its body is typed here, and
 * this function is the only place to swap to the generated type once it does.
 */
import { post, segment } from './api.ts';

interface AnswerGapRequest {
  answer: string;
}

export function answerKnowledgeGap(gapId: string, answer: string): Promise<unknown> {
  const body: AnswerGapRequest = { answer };
  return post<unknown>(`/v1/knowledge-gaps/${segment(gapId)}/answer`, { ...body });
}
