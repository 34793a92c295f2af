/** V2 messages → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { Message } from '#lib/domain/types';
import type { acceptedMessageResponse, outgoingMessageResponse } from '#functions/http/message-schemas';

/** The 202 body of a message that was stored and queued. */
export function presentAccepted(accepted: {
  messageId: string;
  conversationId: string;
  status: 'queued';
}): z.output<typeof acceptedMessageResponse> {
  return { message_id: accepted.messageId, conversation_id: accepted.conversationId, status: accepted.status };
}

/** A message a person sent the prospect outside Parley, as recorded. */
export function presentOutgoingMessage(message: Message): z.output<typeof outgoingMessageResponse> {
  return {
    message_id: message.id,
    conversation_id: message.conversationId,
    direction: 'outbound',
    kind: 'human',
    created_at: message.createdAt,
  };
}
