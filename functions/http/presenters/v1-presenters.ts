/** V1 conversations (polling) → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { StoredFeedback } from '#lib/app/feedback';
import type { MessageStatus } from '#lib/app/v1-conversations';
import type { feedbackResponse, messageStatusResponse } from '#functions/http/v1-schemas';

export function presentMessageStatus(s: MessageStatus): z.output<typeof messageStatusResponse> {
  return {
    message_id: s.messageId,
    conversation_id: s.conversationId,
    status: s.status,
    ...(s.answer === undefined ? {} : { answer: s.answer }),
    ...(s.answeredAt === undefined ? {} : { answered_at: s.answeredAt }),
    ...(s.needsHuman === undefined ? {} : { needs_human: s.needsHuman }),
    ...(s.confidence === undefined ? {} : { confidence: s.confidence }),
  };
}

export function presentFeedback(f: StoredFeedback): z.output<typeof feedbackResponse> {
  return {
    message_id: f.messageId,
    conversation_id: f.conversationId,
    rating: f.rating,
    ...(f.correction === undefined ? {} : { correction: f.correction }),
    created_at: f.createdAt,
  };
}
