/** The Maax-compatible endpoints' answers, in Maax AI's field names. */
import type { z } from 'zod';
import type { MaaxAcceptedMessage, MaaxAnswer, MaaxHistory } from '#lib/app/maax';
import type { Message } from '#lib/domain/types';
import type {
  acceptedResponse,
  answerResponse,
  createdConversationResponse,
  historyResponse,
} from '#functions/http/maax-schemas';

export function presentMaaxAccepted(accepted: MaaxAcceptedMessage): z.output<typeof acceptedResponse> {
  return {
    incoming_message_id: accepted.messageId,
    conversation_id: accepted.conversationId,
    prospect_id: accepted.prospectId,
    status: 'pending',
  };
}

export function presentMaaxAnswer(answer: MaaxAnswer): z.output<typeof answerResponse> {
  return {
    status: answer.status,
    answer: answer.answer,
    needs_human: answer.needsHuman,
    incoming_message_id: answer.messageId,
    conversation_id: answer.conversationId,
    prospect_id: answer.prospectId,
  };
}

export function presentMaaxConversation(created: {
  conversationId: string;
  prospectId: string;
}): z.output<typeof createdConversationResponse> {
  return { conversation_id: created.conversationId, prospect_id: created.prospectId };
}

const SENDERS = { prospect: 'prospect', reply: 'ai', follow_up: 'ai', nudge: 'ai', human: 'human' } as const;

export function presentMaaxHistory(history: MaaxHistory): z.output<typeof historyResponse> {
  return {
    conversation_id: history.conversationId,
    prospect_id: history.prospectId,
    messages: history.messages.map(presentHistoryMessage),
  };
}

function presentHistoryMessage(m: Message) {
  return {
    message_id: m.id,
    sender: SENDERS[m.kind],
    direction: m.direction,
    message_content: m.text,
    created_at: m.createdAt,
  };
}
